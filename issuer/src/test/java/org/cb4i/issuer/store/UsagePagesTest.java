package org.cb4i.issuer.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage kept as pages ([SET-9]): the page format, and a store of rows (before version 16) moved into pages. */
class UsagePagesTest {
    @TempDir
    Path dir;

    private static final HexFormat HEX = HexFormat.of();

    private static UsageStore.EntryRow row(Random r, String log, long index) {
        byte[] leaf = new byte[32];
        r.nextBytes(leaf);
        boolean some = r.nextBoolean();
        return new UsageStore.EntryRow(log, index, HEX.formatHex(leaf), Instant.ofEpochSecond(1_790_000_000L + r.nextInt(5_000_000) - 2_500_000),
                some ? Optional.of("lab-" + r.nextInt(3)) : Optional.empty(), r.nextBoolean() ? Optional.of("jti-" + r.nextInt(4)) : Optional.empty(),
                r.nextInt(3) == 0 ? Optional.empty() : Optional.of("agr-" + r.nextInt(3)), "https://news.example", List.of("ai-train", "search", "all")
                        .get(r.nextInt(3)), r.nextInt(3) == 0 ? (1L << 40) + r.nextInt() : r.nextInt(100_000), r.nextBoolean(), r.nextBoolean(),
                r.nextInt(5) == 0 ? Optional.of("a note with \t tabs, \"quotes\" and ünïcödé") : Optional.empty(),
                r.nextBoolean() ? Optional.of("kid-" + r.nextInt(2)) : Optional.empty(), r.nextBoolean() ? Optional.of("rid" + index) : Optional.empty(),
                r.nextBoolean() ? Optional.of("/articles/" + index + "?q=é&x=%20") : Optional.empty());
    }

    @Test
    void aPageGivesBackEveryEntryAsWritten_inIndexOrder() {
        Random r = new Random(7);
        List<UsageStore.EntryRow> rows = new ArrayList<>();
        long index = 0;
        for (int i = 0; i < 2_000; i++) {
            index += 1 + (i % 97 == 0 ? 1_000_000 : 0); // gaps: entries given as leaf hashes only are not rows
            rows.add(row(r, "L".repeat(43), index));
        }
        byte[] page = UsagePage.encode(new ArrayList<>(rows));
        List<UsageStore.EntryRow> back = new ArrayList<>();
        UsagePage.decode(page, "L".repeat(43), back::add);
        assertThat(back).isEqualTo(rows);
        assertThat(page.length).as("compact: well under the rows' text").isLessThan(rows.size() * 160);
    }

    @Test
    void aPageOfAnotherVersion_orCutShort_isRefusedSayingWhich() {
        byte[] page = UsagePage.encode(List.of(row(new Random(1), "log-a", 5)));
        byte[] other = page.clone();
        other[0] = 2;
        assertThatThrownBy(() -> UsagePage.decode(other, "log-a", e -> { })).isInstanceOf(StoreException.class)
                .hasMessageContaining("log log-a").hasMessageContaining("format version 2").hasMessageContaining("reads version 1");
        byte[] cut = java.util.Arrays.copyOf(page, page.length - 1);
        assertThatThrownBy(() -> UsagePage.decode(cut, "log-a", e -> { })).isInstanceOf(StoreException.class).hasMessageContaining("cut short");
        byte[] longer = java.util.Arrays.copyOf(page, page.length + 1);
        assertThatThrownBy(() -> UsagePage.decode(longer, "log-a", e -> { })).isInstanceOf(StoreException.class).hasMessageContaining("1 bytes after");
    }

    /** Many small pages (a collection every few minutes) are read a few at a time, in order; nothing is written twice. */
    @Test
    void manySmallPages_readInOrder_andAnEntryBelowTheVerifiedSizeIsRefused() {
        try (IssuerStore store = IssuerStore.open(new StoreLocation.Folder(dir.resolve("pages")))) {
            String log = "P".repeat(43);
            store.usage().registerLog(log, "https://news.example", "https://news.example", "approved", "", Instant.now());
            Random r = new Random(3);
            List<Long> billable = new ArrayList<>();
            for (int page = 0; page < 30; page++) {
                List<UsageStore.EntryRow> rows = new ArrayList<>();
                for (int k = 0; k < 2; k++) {
                    UsageStore.EntryRow e = row(r, log, page * 2L + k);
                    e = new UsageStore.EntryRow(e.logId(), e.index(), e.leafHex(), Instant.ofEpochSecond(1_000 + e.index()), e.licensee(), e.jti(),
                            Optional.of("agr-1"), e.member(), e.usage(), e.bytes(), e.attested(), k == 0 || page % 3 == 0, e.note(), e.jkt(), e.rid(),
                            e.path());
                    if (e.billable()) {
                        billable.add(e.index());
                    }
                    rows.add(e);
                }
                store.usage().putEntries(rows);
            }
            store.usage().verified(log, 60, "", Instant.now(), "", Instant.now());
            List<UsageStore.Billable> read = new ArrayList<>();
            store.usage().forEachUnsettled(Instant.ofEpochSecond(10_000), read::add);
            assertThat(read).extracting(UsageStore.Billable::index).containsExactlyElementsOf(billable);
            assertThat(store.usage().counted(log)).isEqualTo(60);
            assertThatThrownBy(() -> store.usage().putEntries(List.of(row(r, log, 59)))).isInstanceOf(StoreException.class)
                    .hasMessageContaining("entry 59 of log " + log + " is below the log's verified size (60)");
            assertThat(store.usage().counted(log)).isEqualTo(60);
        }
    }

    /**
     * A store written before version 16 kept one row per entry. Opening it moves them into pages of at most 10,000 that
     * never straddle a size it recorded (the verified size, what the last close settled), drops the entries beyond the
     * verified size (the next collection reads them again), and everything read from usage is what the rows said.
     */
    @Test
    void aStoreOfRowsMovesIntoPages_andReadsTheSame() throws Exception {
        Path folder = dir.resolve("store");
        java.nio.file.Files.createDirectories(folder);
        moveRowsIntoPages(new StoreLocation.Folder(folder), "jdbc:h2:file:" + folder.toAbsolutePath().resolve("issuer") + ";WRITE_DELAY=0;FILE_LOCK=FILE",
                "cb4i", "");
    }

    /** The same move on PostgreSQL, where the rows are read through a cursor while the pages are written on the same connection. */
    @Test
    void aStoreOfRowsMovesIntoPages_onPostgreSQL() throws Exception {
        StoreLocation.Postgres db = org.cb4i.issuer.testing.TestDatabase.create();
        try {
            moveRowsIntoPages(db, db.jdbcUrl(), db.user(), db.password().orElse(null));
        } finally {
            org.cb4i.issuer.testing.TestDatabase.drop(db);
        }
    }

    private void moveRowsIntoPages(StoreLocation where, String url, String user, String password) throws Exception {
        Flyway.configure(getClass().getClassLoader()).dataSource(url, user, password).locations("classpath:db/migration").target("15").load().migrate();
        String log = "M".repeat(43);
        long size = 25_000;
        long settledSize = 12_345;
        long settledEnd = 1_790_000_000L;
        Random r = new Random(11);
        List<UsageStore.EntryRow> all = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            c.createStatement().execute("INSERT INTO member_logs(log_id, member, url, state, registered, size, edge) VALUES ('" + log
                    + "', 'https://news.example', 'https://news.example', 'approved', 0, " + size + ", '')");
            c.createStatement().execute("INSERT INTO settled_up_to(log_id, size, period_end) VALUES ('" + log + "', " + settledSize + ", " + settledEnd + ")");
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO usage_entries(log_id, idx, leaf, at, licensee, jti, agreement, member, usage, "
                    + "bytes, attested, billable, note, jkt, rid, path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (long i = 0; i < size + 1_000; i++) {
                    UsageStore.EntryRow e = row(r, log, i);
                    all.add(e);
                    Database.bind(ps, e.logId(), e.index(), e.leafHex(), e.at().getEpochSecond(), e.licensee().orElse(null), e.jti().orElse(null),
                            e.agreement().orElse(null), e.member(), e.usage(), e.bytes(), e.attested(), e.billable(), e.note().orElse(null),
                            e.jkt().orElse(null), e.rid().orElse(null), e.path().orElse(null));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        }

        List<UsageStore.EntryRow> counted = all.subList(0, (int) size);
        try (IssuerStore store = IssuerStore.open(where)) {
            assertThat(store.usage().counted(log)).isEqualTo(size);
            // Unsettled: billable, before the end asked, and not both before the settled period's end and below its size.
            Instant end = Instant.ofEpochSecond(1_791_000_000L);
            List<UsageStore.Billable> unsettled = new ArrayList<>();
            store.usage().forEachUnsettled(end, unsettled::add);
            List<Long> expected = counted.stream().filter(e -> e.billable() && e.agreement().isPresent() && e.at().isBefore(end)
                    && !(e.at().getEpochSecond() < settledEnd && e.index() < settledSize)).map(UsageStore.EntryRow::index).toList();
            assertThat(unsettled).extracting(UsageStore.Billable::index).containsExactlyElementsOf(expected);
            UsageStore.Billable first = unsettled.get(0);
            UsageStore.EntryRow source = counted.get((int) first.index());
            assertThat(first).isEqualTo(new UsageStore.Billable(log, source.index(), source.leafHex(), source.at(), source.member(), source.usage(),
                    source.bytes(), source.attested(), source.path(), source.agreement().orElseThrow()));
            Optional<Instant> earliest = counted.stream().filter(e -> e.billable() && e.at().isBefore(end) && !(e.at().getEpochSecond() < settledEnd
                    && e.index() < settledSize)).map(UsageStore.EntryRow::at).min(Instant::compareTo);
            assertThat(store.usage().earliestUnsettled(end)).isEqualTo(earliest);
            long requests = store.usage().usageByDay(Optional.empty(), Optional.empty(), Optional.empty()).stream().mapToLong(UsageStore.DayUsage::requests)
                    .sum();
            long bytes = store.usage().usageByDay(Optional.of("lab-1"), Optional.empty(), Optional.empty()).stream().mapToLong(UsageStore.DayUsage::bytes)
                    .sum();
            assertThat(requests).isEqualTo(size);
            assertThat(bytes).isEqualTo(counted.stream().filter(e -> e.licensee().equals(Optional.of("lab-1"))).mapToLong(UsageStore.EntryRow::bytes).sum());
            assertThat(store.usage().usageByDay(Optional.empty(), Optional.empty(), Optional.empty())).extracting(UsageStore.DayUsage::licensee)
                    .as("an entry that names no licensee").contains("(unknown)");
        }
        try (Database db = Database.open(where)) {
            List<long[]> pages = db.query("SELECT first_idx, last_idx FROM usage_pages ORDER BY first_idx", rs -> new long[] {rs.getLong(1), rs.getLong(2)});
            TreeSet<Long> cuts = new TreeSet<>(List.of(settledSize, size));
            for (long[] p : pages) {
                assertThat(p[1] - p[0]).isLessThan(10_000);
                Long cut = cuts.higher(p[0]);
                assertThat(cut == null || p[1] < cut).as("page %d..%d straddles %s", p[0], p[1], cut).isTrue();
            }
            assertThat(pages).as("nothing beyond the verified size is kept").allMatch(p -> p[1] < size);
            assertThat(db.query("SELECT COUNT(*) FROM information_schema.tables WHERE LOWER(table_name) = 'usage_entries'", rs -> rs.getLong(1)).get(0))
                    .isZero();
        }
    }
}
