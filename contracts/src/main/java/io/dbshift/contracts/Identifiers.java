package io.dbshift.contracts;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Quotes SQL identifiers. Names are used exactly as written (as they appear in the catalog):
 * quoting makes reserved words ({@code order}, {@code user}) and mixed-case names ({@code "User"})
 * mean the table they name, and never something else.
 */
public final class Identifiers {
    private Identifiers() {}

    /** {@code public.users} becomes {@code "public"."users"}; a quote inside a name is doubled. */
    public static String quote(String name) {
        return Arrays.stream(name.split("\\.", -1))
                .map(part -> "\"" + part.replace("\"", "\"\"") + "\"")
                .collect(Collectors.joining("."));
    }
}
