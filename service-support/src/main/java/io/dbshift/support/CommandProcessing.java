package io.dbshift.support;

import io.dbshift.contracts.CloudEvent;
import io.dbshift.contracts.Topics;
import io.dbshift.contracts.WireFormatException;
import io.dbshift.contracts.command.Command;
import io.dbshift.contracts.result.StepResult;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Handles a command exactly once in effect: a command already in the inbox is skipped; otherwise
 * the blocking work runs on a worker thread, and the inbox entry and the result message are
 * committed together, then published.
 */
@ApplicationScoped
public class CommandProcessing {
    private static final Logger LOG = Logger.getLogger(CommandProcessing.class);

    @Inject
    Inbox inbox;

    @Inject
    Outbox outbox;

    @Inject
    OutboxRelay relay;

    /**
     * Reads a command record and handles it once. A record that is not a command is a {@link WireFormatException}:
     * the caller's channel dead-letters it with that reason.
     */
    public Uni<Void> receive(String value, String source, Function<Command, StepResult> work) {
        CloudEvent event = CloudEvent.parse(value);
        if (!(event.payload() instanceof Command command)) {
            throw new WireFormatException("\"" + event.type() + "\" is not a command for " + source);
        }
        LOG.infof(
                "%s %s on %s",
                event.type().substring(event.type().lastIndexOf('.') + 1), command.commandId(), command.target());
        // The orchestrator re-sends a command whose result it never got under a new event id: answer it.
        boolean resent = !event.id().equals(command.commandId());
        return once(command, source, resent, () -> work.apply(command));
    }

    public Uni<Void> once(Command command, String source, boolean resent, Callable<StepResult> work) {
        // A retry after the work succeeded repeats it: every command's work is idempotent (Flyway skips
        // applied versions, a backfill's predicate skips done rows, checks only read).
        return Retries.onTransientFaults(
                "command " + command.commandId(), () -> attempt(command, source, resent, work));
    }

    private Uni<Void> attempt(Command command, String source, boolean resent, Callable<StepResult> work) {
        return Panache.withSession(() -> inbox.seen(command.commandId())).chain(seen -> {
            if (seen && resent) {
                LOG.infof(
                        "command %s was re-sent: its recorded result is published again, not recomputed",
                        command.commandId());
                return Panache.withTransaction(() -> outbox.republish(command.commandId() + "/result"))
                        .replaceWithVoid()
                        .chain(relay::flush);
            }
            if (seen) {
                LOG.infof("command %s was handled before; a redelivery changes nothing", command.commandId());
                return Uni.createFrom().voidItem();
            }
            return Workers.call(work)
                    .chain(result -> Panache.withTransaction(() -> inbox.record(command.commandId())
                            // The result's id derives from the command's, so a result sent twice is dropped downstream.
                            .chain(() -> outbox.add(
                                    Topics.RESULTS, CloudEvent.of(command.commandId() + "/result", source, result)))))
                    .chain(relay::flush);
        });
    }
}
