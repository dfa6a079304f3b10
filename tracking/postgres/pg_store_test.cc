// PostgreSQL-specific behaviour of the store: URLs and connection errors,
// schema creation and migration. Everything a Store promises regardless of
// the database is in the conformance suite (tracking/store_conformance_test.cc),
// which runs against PostgreSQL as pg_conformance_test.
#include <gtest/gtest.h>

#include <string>

#include "tracking/postgres/pg_test_support.h"
#include "tracking/postgres/postgres_store.h"

namespace sweep {
namespace {

TEST(PostgresStore, ConnectionFailureNamesServerButNotPassword) {
  // Port 1 on localhost: nothing listens there.
  auto r = OpenPostgresStore("postgresql://alice:s3cret@127.0.0.1:1/experiments?connect_timeout=2");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kIo);
  EXPECT_NE(r.error().message.find("127.0.0.1"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("experiments"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("s3cret"), std::string::npos) << r.error().message;
}

TEST(PostgresStore, RejectsOtherSchemes) {
  EXPECT_EQ(OpenPostgresStore("mysql://x@y/z").error().code, ErrorCode::kInvalidInput);
  EXPECT_TRUE(IsPostgresUrl("postgres://u@h/db"));
  EXPECT_TRUE(IsPostgresUrl("postgresql://u@h/db"));
  EXPECT_FALSE(IsPostgresUrl(".sweep/sweep.db"));
}

TEST(PostgresStore, ReopeningKeepsDataAndSchemaVersion) {
  auto server = pg_test::TestServerUrl();
  if (!server) GTEST_SKIP() << pg_test::NoServerMessage();
  auto url = pg_test::CreateFreshDatabase(*server);
  ASSERT_TRUE(url.ok()) << url.error().message;
  std::string id;
  {
    auto store = OpenPostgresStore(*url);
    ASSERT_TRUE(store.ok()) << store.error().message;
    SweepRecord s;
    s.name = "persist";
    id = (*store)->CreateSweep(s)->id;
  }
  auto store = OpenPostgresStore(*url);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->GetSweep("persist")->id, id);
  EXPECT_EQ(*pg_test::QueryScalar(*url, "SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_version"),
            "1,2");
}

TEST(PostgresStore, VersionOneDatabaseGainsSweepTags) {
  auto server = pg_test::TestServerUrl();
  if (!server) GTEST_SKIP() << pg_test::NoServerMessage();
  auto url = pg_test::CreateFreshDatabase(*server);
  ASSERT_TRUE(url.ok()) << url.error().message;
  std::string id;
  {
    auto store = OpenPostgresStore(*url);
    ASSERT_TRUE(store.ok()) << store.error().message;
    SweepRecord s;
    s.name = "old";
    id = (*store)->CreateSweep(s)->id;
  }
  // What a version 1 database looks like: no sweep_tags table.
  ASSERT_TRUE(pg_test::QueryScalar(*url, "DROP TABLE sweep_tags; DELETE FROM schema_version WHERE version = 2").ok());
  auto store = OpenPostgresStore(*url);
  ASSERT_TRUE(store.ok()) << store.error().message;
  ASSERT_TRUE((*store)->SetSweepTags(id, {{"slurm.job.7", "2"}}).ok());
  EXPECT_EQ((*store)->GetSweepTags(id)->at("slurm.job.7"), "2");
  EXPECT_EQ(*pg_test::QueryScalar(*url, "SELECT max(version) FROM schema_version"), "2");
}

TEST(PostgresStore, RefusesNewerSchema) {
  auto server = pg_test::TestServerUrl();
  if (!server) GTEST_SKIP() << pg_test::NoServerMessage();
  auto url = pg_test::CreateFreshDatabase(*server);
  ASSERT_TRUE(url.ok());
  ASSERT_TRUE(OpenPostgresStore(*url).ok());
  ASSERT_TRUE(pg_test::QueryScalar(*url, "INSERT INTO schema_version VALUES (99)").ok());
  auto r = OpenPostgresStore(*url);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("99"), std::string::npos);
}

}  // namespace
}  // namespace sweep
