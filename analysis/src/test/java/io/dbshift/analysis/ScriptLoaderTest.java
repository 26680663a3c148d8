package io.dbshift.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptLoaderTest {

    @Test
    void flywayFilesRunInVersionOrderNumerically(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("V10__ten.sql"), "SELECT 10");
        Files.writeString(dir.resolve("V9__nine.sql"), "SELECT 9");
        Files.createDirectories(dir.resolve("init"));
        Files.writeString(dir.resolve("init/V1__one.sql"), "SELECT 1");
        Files.writeString(dir.resolve("V1.5__between.sql"), "SELECT 1.5");
        List<Script> scripts = ScriptLoader.load(List.of(dir));
        assertEquals(
                List.of("1", "1.5", "9", "10"),
                scripts.stream().map(Script::version).toList());
    }

    @Test
    void upDownFoldersFollowDieselsOrderAndItsTransactionSetting(@TempDir Path dir) throws Exception {
        for (String name : List.of("2017-01-02-000000_b", "2016-12-31-000000_a", "20170103000000_c")) {
            Files.createDirectories(dir.resolve(name));
            Files.writeString(dir.resolve(name).resolve("up.sql"), "SELECT 1");
            Files.writeString(dir.resolve(name).resolve("down.sql"), "SELECT 2");
        }
        Files.writeString(dir.resolve("20170103000000_c/metadata.toml"), "run_in_transaction = false\n");
        Files.writeString(dir.resolve("seed.sql"), "SELECT 'not a migration'");
        List<Script> scripts = ScriptLoader.load(List.of(dir));
        assertEquals(
                List.of("2016-12-31-000000", "2017-01-02-000000", "20170103000000"),
                scripts.stream().map(Script::version).toList());
        assertTrue(scripts.get(0).transactional());
        assertFalse(scripts.get(2).transactional());
    }
}
