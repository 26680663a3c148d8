package io.dbshift.contracts.event;

import io.dbshift.contracts.Payload;

/** A fact about a migration, published on the events topic for the notifier and any outside service. */
public interface MigrationEvent extends Payload {}
