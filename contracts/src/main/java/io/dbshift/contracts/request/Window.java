package io.dbshift.contracts.request;

import java.time.OffsetDateTime;

/**
 * The window in which production may be changed.
 *
 * @param start when it opens
 * @param end when it closes
 * @param timezone the zone to show it in, e.g. {@code Europe/Oslo} (default UTC)
 */
public record Window(OffsetDateTime start, OffsetDateTime end, String timezone) {}
