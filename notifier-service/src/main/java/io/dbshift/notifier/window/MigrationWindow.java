package io.dbshift.notifier.window;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** A migration's window, as its plan gave it, kept until its notices are all sent or the migration ended. */
@Entity
@Table(name = "migration_window")
public class MigrationWindow extends PanacheEntityBase {
    @Id
    @Column(name = "migration_id")
    public String migrationId;

    public String name;

    @Column(name = "starts_at")
    public OffsetDateTime startsAt;

    @Column(name = "ends_at")
    public OffsetDateTime endsAt;

    public String timezone;

    /** The migration ended, or the window is long past: no more notices. */
    public boolean done;
}
