package io.dbshift.notifier.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dbshift.notifier.channel.NoticeChannel;
import io.dbshift.notifier.notice.Notice;
import io.smallrye.mutiny.Uni;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActiveChannelsTest {
    private static final NoticeChannel LOG = channel("log", true);

    @Test
    void withNothingConfiguredNoticesOnlyGoToTheLog() {
        assertEquals(
                List.of("log"),
                names(NoticeDispatcher.activeChannels(List.of(channel("slack", false), channel("email", false)), LOG)));
    }

    @Test
    void configuredChannelsReplaceTheLogInTheirOrder() {
        assertEquals(
                List.of("slack", "email"),
                names(NoticeDispatcher.activeChannels(List.of(channel("slack", true), channel("email", true)), LOG)));
        assertEquals(
                List.of("email"),
                names(NoticeDispatcher.activeChannels(List.of(channel("slack", false), channel("email", true)), LOG)));
    }

    private static List<String> names(List<NoticeChannel> channels) {
        return channels.stream().map(NoticeChannel::name).toList();
    }

    private static NoticeChannel channel(String name, boolean configured) {
        return new NoticeChannel() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean isConfigured() {
                return configured;
            }

            @Override
            public String destination() {
                return name;
            }

            @Override
            public Uni<Void> send(Notice notice) {
                return Uni.createFrom().voidItem();
            }
        };
    }
}
