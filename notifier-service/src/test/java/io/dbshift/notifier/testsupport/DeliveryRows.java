package io.dbshift.notifier.testsupport;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/** Reads the delivery log straight from the database, the way an operator would. */
public final class DeliveryRows {
    private DeliveryRows() {}

    /** One row of the log. */
    public record Row(String status, int attempts, String lastError, String deliveryId, boolean inDoubt) {}

    /** The rows of one event, by channel. */
    public static Map<String, Row> of(String eventId) {
        try (Connection c = PostgresResource.connect();
                PreparedStatement query = c.prepareStatement(
                        "SELECT channel, status, attempts, last_error, delivery_id, in_doubt FROM delivery_log"
                                + " WHERE event_id = ?")) {
            query.setString(1, eventId);
            Map<String, Row> rows = new HashMap<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    rows.put(
                            rs.getString("channel"),
                            new Row(
                                    rs.getString("status"),
                                    rs.getInt("attempts"),
                                    rs.getString("last_error"),
                                    rs.getString("delivery_id"),
                                    rs.getBoolean("in_doubt")));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The status of each channel's row for one event. */
    public static Map<String, String> statuses(String eventId) {
        Map<String, String> statuses = new HashMap<>();
        of(eventId).forEach((channel, row) -> statuses.put(channel, row.status()));
        return statuses;
    }
}
