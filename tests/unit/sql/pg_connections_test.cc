#include "sql/pg_connections.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "common/secrets.h"
#include "sql/statement.h"
#include "testing/store_backend.h"

namespace callexa {
namespace {

// The pool after the server dropped its connections (a restart, a
// failover): the next read and the next write find out before anything
// ran and go on, on fresh connections.
TEST(PgConnectionsTest, ReadsAndWritesGoOnAfterTheServerDroppedThePool) {
  const std::string name = "pool_" + RandomHex(6);
  std::atomic<int> lost{0};
  ConnectionEvents events;
  events.connection_lost = [&] { ++lost; };
  PgConnections pool(PostgresTestUri() + "&application_name=" + name, events);
  auto count = [&](int64_t *out) {
    return pool.Read([&](SqlSession &db) -> Status {
      Statement q;
      Status s = q.Prepare(
          db, "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?1");
      if (!s.ok()) return s;
      q.Bind(1, name);
      if (q.Step()) *out = q.Int(0);
      return q.status();
    });
  };
  int64_t sessions = 0;
  ASSERT_TRUE(count(&sessions).ok());
  EXPECT_EQ(sessions, 1);
  ASSERT_TRUE(pool.Write([](SqlSession &db) { return db.Execute("SELECT 1"); }).ok());

  auto admin = PgSession::Connect(PostgresTestUri());
  ASSERT_TRUE(admin.ok()) << admin.status().ToLogString();
  Statement kill;
  ASSERT_TRUE(
      kill.Prepare(**admin,
                   "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                   "WHERE application_name = ?1")
          .ok());
  kill.Bind(1, name);
  ASSERT_TRUE(kill.Step());
  EXPECT_GE(kill.Int(0), 1);
  kill.Reset();

  const Status wrote = pool.Write([](SqlSession &db) { return db.Execute("SELECT 1"); });
  EXPECT_TRUE(wrote.ok()) << wrote.ToLogString();
  const Status read = count(&sessions);
  EXPECT_TRUE(read.ok()) << read.ToLogString();
  EXPECT_EQ(lost, 1);  // the one pooled connection, found out by the write
}

TEST(PgConnectionsTest, AServerThatCannotBeReachedIsUnavailableAndCounted) {
  std::atomic<int> failed{0};
  ConnectionEvents events;
  events.connect_failed = [&] { ++failed; };
  // Port 1 on loopback: refused at once.
  PgConnections pool("postgresql://callexa@127.0.0.1:1/callexa?connect_timeout=2",
                     events);
  const Status s = pool.Write([](SqlSession &db) { return db.Execute("SELECT 1"); });
  EXPECT_EQ(s.code(), Status::Code::kUnavailable) << s.ToLogString();
  EXPECT_EQ(failed, 1);
}

}  // namespace
}  // namespace callexa
