package io.dbshift.localstack.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Memory of processes from /proc. PSS (proportional set size) is used for totals: PostgreSQL's
 * backends share their buffers, and summing RSS would count that memory once per backend.
 */
final class Memory {
    private Memory() {}

    /** One process tree's memory, in kB. */
    record Usage(long rssKb, long pssKb, int processes) {
        Usage plus(Usage other) {
            return new Usage(rssKb + other.rssKb, pssKb + other.pssKb, processes + other.processes);
        }
    }

    /** The process and all its descendants. */
    static Usage tree(long pid) {
        Usage total = new Usage(0, 0, 0);
        for (long p : withDescendants(pid)) {
            total = total.plus(new Usage(
                    field(Path.of("/proc", String.valueOf(p), "status"), "VmRSS:"),
                    field(Path.of("/proc", String.valueOf(p), "smaps_rollup"), "Pss:"),
                    1));
        }
        return total;
    }

    private static List<Long> withDescendants(long root) {
        List<Long> all = new ArrayList<>(List.of(root));
        for (int i = 0; i < all.size(); i++) {
            long parent = all.get(i);
            try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
                procs.filter(p -> p.getFileName().toString().matches("\\d+")).forEach(p -> {
                    try {
                        String stat = Files.readString(p.resolve("stat"));
                        // Fields after the parenthesised command: state, ppid, ...
                        String[] fields =
                                stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        if (Long.parseLong(fields[1]) == parent) {
                            all.add(Long.parseLong(p.getFileName().toString()));
                        }
                    } catch (IOException | RuntimeException ignored) {
                        // the process ended meanwhile
                    }
                });
            } catch (IOException e) {
                return all;
            }
        }
        return all;
    }

    private static long field(Path file, String name) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not readable: counted as zero
        }
        return 0;
    }
}
