#include "sweep/standalone_record.h"

#include <gtest/gtest.h>

#include <sstream>

#include "core/json_limits.h"
#include "tests/test_support.h"

namespace sweep {
namespace {

using testing::TempDir;

TEST(ConfigFromJsonObject, FlattensNestedObjects) {
  auto config = ConfigFromJsonObject(R"({"lr":0.1,"model":{"depth":4,"act":"relu"}})");
  ASSERT_TRUE(config.ok()) << config.error().message;
  ASSERT_EQ(config->size(), 3u);
  EXPECT_EQ((*config)[1].first, "model.depth");
  EXPECT_EQ((*config)[2].second.as_string(), "relu");
}

TEST(ConfigFromJsonObject, KeysThatFlattenToOneNameAreAClearError) {
  for (const char* json : {R"({"a.b":1,"a":{"b":2}})", R"({"a":{"b":2},"a.b":1})"}) {
    auto config = ConfigFromJsonObject(json);
    ASSERT_FALSE(config.ok()) << json;
    EXPECT_EQ(config.error().code, ErrorCode::kInvalidInput);
    EXPECT_EQ(config.error().message,
              "configuration key 'a.b' is given twice once nested objects are flattened to dotted names");
  }
}

TEST(ConfigFromJsonObject, NulCharactersAreRefusedNotCut) {
  auto value = ConfigFromJsonObject(R"({"k":"x\u0000y"})");
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.error().message, "configuration value 'k' contains a NUL character (\\u0000)");
  EXPECT_FALSE(ConfigFromJsonObject(R"({"k":["ok","x\u0000"]})").ok());
  auto key = ConfigFromJsonObject(R"({"a":{"x\u0000y":1}})");
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.error().message.find("NUL"), std::string::npos);
}

TEST(ConfigFromJsonObject, DeepOrHugeJsonIsRefused) {
  constexpr std::size_t kHostileDepth = 50'000;
  auto deep = ConfigFromJsonObject(R"({"a":)" + std::string(kHostileDepth, '[') + std::string(kHostileDepth, ']') + "}");
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.error().message.find("nested deeper than"), std::string::npos) << deep.error().message;
  auto huge = ConfigFromJsonObject(R"({"a":")" + std::string(kMaxChannelLineBytes, 'x') + "\"}");
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.error().message.find("over the limit"), std::string::npos) << huge.error().message;
}

class StandaloneRecorderTest : public ::testing::Test {
 protected:
  RunRecord Record(const std::string& input) {
    store_ = testing::OpenTestStore(dir_);
    StandaloneRunOptions options;
    options.name = "r";
    options.runs_root = dir_ / "runs";
    auto recorder = StandaloneRecorder::Start(*store_, options);
    EXPECT_TRUE(recorder.ok()) << recorder.error().message;
    std::istringstream in(input);
    EXPECT_TRUE(recorder->Consume(in).ok());
    EXPECT_TRUE(recorder->Finish(1.0).ok());
    auto run = store_->GetRun(recorder->run().id);
    EXPECT_TRUE(run.ok());
    return *run;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StandaloneRecorderTest, LinesAreRecordedAsTheyCome) {
  const RunRecord run = Record(
      "{\"t\":\"log\",\"step\":0,\"data\":{\"loss\":2}}\r\n"
      "{\"t\":\"log\",\"step\":1,\"data\":{\"loss\":1}}\n"
      "{\"t\":\"finish\",\"exit_code\":0}");  // the last line unterminated
  EXPECT_EQ(run.state, TrialState::kFinished) << run.failure_reason;
  EXPECT_EQ(run.summary.at("loss").count, 2);
}

// MLflow scripts log params after the run started: a config message adds the names the run lacks.
TEST_F(StandaloneRecorderTest, ConfigMessagesAddParams) {
  const RunRecord run = Record(
      "{\"t\":\"config\",\"data\":{\"lr\":0.01}}\n"
      "{\"t\":\"config\",\"data\":{\"lr\":0.01,\"model\":{\"depth\":4}}}\n"
      "{\"t\":\"finish\",\"exit_code\":0}\n");
  ASSERT_EQ(run.params.size(), 2u);
  EXPECT_EQ(run.params[0].first, "lr");
  EXPECT_EQ(run.params[0].second.as_double(), 0.01);
  EXPECT_EQ(run.params[1].first, "model.depth");
  EXPECT_EQ(run.params[1].second.as_int(), 4);
}

// The mlflow module's set_tag: key/value tags as given, except those Sweep writes itself.
TEST_F(StandaloneRecorderTest, RunMessagesSetKeyValueTagsButNeverSweepsOwn) {
  const RunRecord run = Record(
      "{\"t\":\"run\",\"set_tags\":{\"mlflow.parentRunId\":\"p1\",\"model type\":\"sgd\"}}\n"
      "{\"t\":\"run\",\"set_tags\":{\"env.host\":\"forged\"}}\n"
      "{\"t\":\"run\",\"set_tags\":{\"config\":\"{}\"}}\n"
      "{\"t\":\"run\",\"set_tags\":{\"k\":3}}\n"
      "{\"t\":\"finish\",\"exit_code\":0}\n");
  EXPECT_EQ(run.tags.at("mlflow.parentRunId"), "p1");
  EXPECT_EQ(run.tags.at("model type"), "sgd");
  EXPECT_EQ(run.tags.count("env.host"), 0u);
  EXPECT_EQ(run.tags.count("config"), 0u);
  EXPECT_EQ(run.tags.count("k"), 0u);  // values are strings
}

TEST_F(StandaloneRecorderTest, AnOversizedLineFailsTheRunAndTheRestIsKept) {
  const RunRecord run = Record("{\"t\":\"log\",\"step\":0,\"data\":{\"loss\":2}}\n" +
                               std::string(3 * kMaxChannelLineBytes, 'x') + "\n" +
                               "{\"t\":\"log\",\"step\":1,\"data\":{\"loss\":1}}\n{\"t\":\"finish\",\"exit_code\":0}\n");
  EXPECT_EQ(run.state, TrialState::kFailed);
  EXPECT_EQ(run.failure_reason, "broke the metric channel's limits: " + OversizedChannelLineError());
  EXPECT_EQ(run.summary.at("loss").count, 2);
}

TEST_F(StandaloneRecorderTest, ADeeplyNestedLineFailsTheRun) {
  constexpr std::size_t kHostileDepth = 50'000;
  for (const char* type : {"summary", "config", "artifact", "finish"}) {
    SCOPED_TRACE(type);
    const RunRecord run = Record(std::string("{\"t\":\"") + type + "\",\"data\":{\"x\":" +
                                 std::string(kHostileDepth, '[') + std::string(kHostileDepth, ']') +
                                 "}}\n{\"t\":\"finish\",\"exit_code\":0}\n");
    EXPECT_EQ(run.state, TrialState::kFailed);
    EXPECT_NE(run.failure_reason.find("nested deeper than"), std::string::npos) << run.failure_reason;
  }
}

}  // namespace
}  // namespace sweep
