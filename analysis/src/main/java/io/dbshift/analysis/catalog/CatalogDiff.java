package io.dbshift.analysis.catalog;

import io.dbshift.analysis.catalog.Catalog.Column;
import io.dbshift.analysis.catalog.Catalog.Constraint;
import io.dbshift.analysis.catalog.Catalog.Index;
import io.dbshift.analysis.catalog.Catalog.Relation;
import io.dbshift.analysis.catalog.Change.What;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What a statement changed in the catalog, object by object. */
public final class CatalogDiff {
    private CatalogDiff() {}

    public static List<Change> between(Catalog before, Catalog after) {
        List<Change> changes = new ArrayList<>();
        relations(before, after, changes);
        columns(before, after, changes);
        constraints(before, after, changes);
        indexes(before, after, changes);
        named(
                before.triggers(),
                after.triggers(),
                What.TRIGGER_ADDED,
                What.TRIGGER_DROPPED,
                What.TRIGGER_CHANGED,
                t -> before.nameOf(t.relation()) + "." + t.name(),
                Catalog.Trigger::relation,
                Catalog.Trigger::definition,
                changes);
        named(
                before.functions(),
                after.functions(),
                What.FUNCTION_ADDED,
                What.FUNCTION_DROPPED,
                What.FUNCTION_CHANGED,
                Catalog.Function::signature,
                f -> 0L,
                f -> f.signature() + f.bodyHash(),
                changes);
        named(
                before.enums(),
                after.enums(),
                What.TYPE_ADDED,
                What.TYPE_DROPPED,
                What.TYPE_CHANGED,
                Catalog.EnumType::name,
                e -> 0L,
                e -> e.name() + ":" + e.labels(),
                changes);
        return changes;
    }

    private static void relations(Catalog before, Catalog after, List<Change> changes) {
        for (Relation r : after.relations().values()) {
            Relation old = before.relations().get(r.oid());
            if (old == null) {
                changes.add(Change.of(What.RELATION_ADDED, r.oid(), r.qualified(), null, kindName(r.kind())));
                continue;
            }
            if (!old.qualified().equals(r.qualified())) {
                changes.add(Change.of(What.RELATION_RENAMED, r.oid(), old.qualified(), old.qualified(), r.qualified()));
            }
            if (!Objects.equals(old.definition(), r.definition())) {
                changes.add(Change.of(What.VIEW_CHANGED, r.oid(), r.qualified(), old.definition(), r.definition()));
            }
            if (old.parent() != r.parent()) {
                changes.add(
                        r.parent() == 0
                                ? Change.of(
                                        What.PARTITION_DETACHED,
                                        r.oid(),
                                        r.qualified(),
                                        before.nameOf(old.parent()),
                                        null)
                                : Change.of(
                                        What.PARTITION_ATTACHED,
                                        r.oid(),
                                        r.qualified(),
                                        null,
                                        after.nameOf(r.parent())));
            }
            if (old.persistence() != r.persistence()) {
                changes.add(Change.of(
                        What.PERSISTENCE_CHANGED,
                        r.oid(),
                        r.qualified(),
                        String.valueOf(old.persistence()),
                        String.valueOf(r.persistence())));
            }
        }
        for (Relation r : before.relations().values()) {
            if (!after.relations().containsKey(r.oid())) {
                changes.add(Change.of(What.RELATION_DROPPED, r.oid(), r.qualified(), kindName(r.kind()), null));
            }
        }
    }

    private static void columns(Catalog before, Catalog after, List<Change> changes) {
        for (Map.Entry<String, Column> e : after.columns().entrySet()) {
            Column c = e.getValue();
            Column old = before.columns().get(e.getKey());
            String table = after.nameOf(c.relation());
            if (!before.relations().containsKey(c.relation())) {
                continue; // part of a new relation
            }
            if (old == null) {
                changes.add(new Change(
                        What.COLUMN_ADDED, c.relation(), table + "." + c.name(), null, c.type(), c, null, null));
                continue;
            }
            String name = table + "." + c.name();
            if (!old.name().equals(c.name())) {
                changes.add(new Change(
                        What.COLUMN_RENAMED,
                        c.relation(),
                        table + "." + old.name(),
                        old.name(),
                        c.name(),
                        c,
                        null,
                        null));
            }
            if (!old.type().equals(c.type())) {
                changes.add(
                        new Change(What.COLUMN_TYPE_CHANGED, c.relation(), name, old.type(), c.type(), c, null, null));
            }
            if (!old.notNull() && c.notNull()) {
                changes.add(new Change(What.NOT_NULL_ADDED, c.relation(), name, null, null, c, null, null));
            } else if (old.notNull() && !c.notNull()) {
                changes.add(new Change(What.NOT_NULL_DROPPED, c.relation(), name, null, null, c, null, null));
            }
            if (!Objects.equals(old.defaultValue(), c.defaultValue())) {
                changes.add(new Change(
                        What.DEFAULT_CHANGED, c.relation(), name, old.defaultValue(), c.defaultValue(), c, null, null));
            }
        }
        for (Map.Entry<String, Column> e : before.columns().entrySet()) {
            Column c = e.getValue();
            if (!after.columns().containsKey(e.getKey()) && after.relations().containsKey(c.relation())) {
                changes.add(new Change(
                        What.COLUMN_DROPPED,
                        c.relation(),
                        before.nameOf(c.relation()) + "." + c.name(),
                        c.type(),
                        null,
                        c,
                        null,
                        null));
            }
        }
    }

    private static void constraints(Catalog before, Catalog after, List<Change> changes) {
        for (Constraint c : after.constraints().values()) {
            Constraint old = before.constraints().get(c.oid());
            if (old == null) {
                old = recreated(before.constraints(), after.constraints(), c, Constraint::relation, Constraint::name);
            }
            if (old != null && old.oid() != c.oid() && old.definition().equals(c.definition())) {
                continue; // ALTER COLUMN TYPE drops and re-creates the constraints on the column: the same rule
            }
            if (old == null) {
                if (before.relations().containsKey(c.relation())) {
                    changes.add(new Change(
                            What.CONSTRAINT_ADDED, c.relation(), c.name(), null, c.definition(), null, c, null));
                }
                continue;
            }
            if (!old.validated() && c.validated()) {
                changes.add(new Change(What.CONSTRAINT_VALIDATED, c.relation(), c.name(), null, null, null, c, null));
            }
            if (!old.name().equals(c.name())) {
                changes.add(new Change(
                        What.CONSTRAINT_RENAMED, c.relation(), old.name(), old.name(), c.name(), null, c, null));
            }
        }
        for (Constraint c : before.constraints().values()) {
            Constraint successor =
                    recreated(after.constraints(), before.constraints(), c, Constraint::relation, Constraint::name);
            if (!after.constraints().containsKey(c.oid())
                    && after.relations().containsKey(c.relation())
                    && (successor == null || !successor.definition().equals(c.definition()))) {
                changes.add(new Change(
                        What.CONSTRAINT_DROPPED, c.relation(), c.name(), c.definition(), null, null, c, null));
            }
        }
    }

    private static void indexes(Catalog before, Catalog after, List<Change> changes) {
        for (Index i : after.indexes().values()) {
            Index old = before.indexes().get(i.oid());
            if (old == null) {
                old = recreated(before.indexes(), after.indexes(), i, Index::relation, Index::name);
                if (old != null && !old.definition().equals(i.definition())) {
                    old = null;
                }
            }
            if (old == null) {
                if (before.relations().containsKey(i.relation())) {
                    changes.add(
                            new Change(What.INDEX_ADDED, i.relation(), i.name(), null, i.definition(), null, null, i));
                }
                continue;
            }
            if (!old.name().equals(i.name())) {
                changes.add(
                        new Change(What.INDEX_RENAMED, i.relation(), old.name(), old.name(), i.name(), null, null, i));
            }
            if (old.fileNode() != i.fileNode()) {
                changes.add(new Change(What.INDEX_REBUILT, i.relation(), i.name(), null, null, null, null, i));
            }
        }
        for (Index i : before.indexes().values()) {
            Index successor = recreated(after.indexes(), before.indexes(), i, Index::relation, Index::name);
            if (!after.indexes().containsKey(i.oid())
                    && after.relations().containsKey(i.relation())
                    && (successor == null || !successor.definition().equals(i.definition()))) {
                changes.add(
                        new Change(What.INDEX_DROPPED, i.relation(), i.name(), i.definition(), null, null, null, i));
            }
        }
    }

    /**
     * The object of the same table and name that took the place of {@code item}: gone from {@code others}' side by
     * oid, present by name. ALTER COLUMN TYPE re-creates a column's indexes and constraints; REINDEX CONCURRENTLY swaps
     * a new index in under the old name.
     */
    private static <T> T recreated(
            Map<Long, T> others,
            Map<Long, T> same,
            T item,
            java.util.function.Function<T, Long> relation,
            java.util.function.Function<T, String> name) {
        for (Map.Entry<Long, T> e : others.entrySet()) {
            T other = e.getValue();
            if (!same.containsKey(e.getKey())
                    && relation.apply(other).equals(relation.apply(item))
                    && name.apply(other).equals(name.apply(item))) {
                return other;
            }
        }
        return null;
    }

    private static <T> void named(
            Map<Long, T> before,
            Map<Long, T> after,
            What added,
            What dropped,
            What changed,
            java.util.function.Function<T, String> name,
            java.util.function.Function<T, Long> relation,
            java.util.function.Function<T, String> identity,
            List<Change> changes) {
        after.forEach((oid, item) -> {
            T old = before.get(oid);
            if (old == null) {
                changes.add(Change.of(added, relation.apply(item), name.apply(item), null, null));
            } else if (!identity.apply(old).equals(identity.apply(item))) {
                changes.add(Change.of(
                        changed, relation.apply(item), name.apply(item), identity.apply(old), identity.apply(item)));
            }
        });
        before.forEach((oid, item) -> {
            if (!after.containsKey(oid)) {
                changes.add(Change.of(dropped, relation.apply(item), name.apply(item), null, null));
            }
        });
    }

    /** pg_class.relkind as a person says it: {@code table}, {@code materialized view}, ... */
    public static String kindName(char kind) {
        return switch (kind) {
            case 'r' -> "table";
            case 'p' -> "partitioned table";
            case 'v' -> "view";
            case 'm' -> "materialized view";
            case 'S' -> "sequence";
            case 'f' -> "foreign table";
            default -> "relation";
        };
    }
}
