// End to end against a real Slurm: renders, submits, watches and cancels job
// arrays on the single-node cluster that tests/slurm/start_slurm.sh starts
// (the CTest fixture slurm_cluster). Each array task runs
// tests/slurm/fake_sweep_agent.sh in place of `sweep agent`.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "agents/slurm/sbatch_script.h"
#include "agents/slurm/slurm_client.h"

namespace sweep {
namespace {

// A task of the fake agent takes milliseconds; scheduling (slurmctld's
// backfill runs every few seconds) dominates. Two minutes covers a loaded
// CI machine running the tasks one after another on few CPUs.
constexpr std::chrono::seconds kWaitTimeout{120};
constexpr std::chrono::milliseconds kPollInterval{250};

// The cluster: $SLURM_CONF, else the file the CTest fixture wrote.
std::string FindSlurmConf() {
  if (const char* env = std::getenv("SLURM_CONF"); env != nullptr && *env != '\0') return env;
  std::string conf;
  std::getline(std::ifstream(SWEEP_SLURM_CONF_FILE), conf);
  if (!conf.empty() && std::filesystem::exists(conf)) {
    ::setenv("SLURM_CONF", conf.c_str(), 1);  // for sbatch, squeue, scancel
    return conf;
  }
  return "";
}

std::string ReadFile(const std::string& path) {
  std::stringstream s;
  s << std::ifstream(path).rdbuf();
  return s.str();
}

class SlurmE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (FindSlurmConf().empty()) {
      GTEST_SKIP() << "no Slurm cluster: SLURM_CONF is unset and the slurm_cluster fixture "
                      "did not start one (needs slurm-wlm and munge installed, and root)";
    }
    char tmpl[] = "/tmp/sweep-slurm-e2e-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (!job_id_.empty()) (void)CancelJob(job_id_);  // never leave a job behind
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  SlurmSubmission Submission(int agents) const {
    SlurmSubmission s;
    s.sweep_id = "e2e-sweep";
    s.store_url = "sqlite:///tmp/it's a store.db";  // quoting reaches the task intact
    s.agents = agents;
    s.job_name = "sweep e2e #" + std::to_string(agents);
    s.sweep_binary = SWEEP_FAKE_AGENT;
    s.working_dir = dir_;
    s.log_dir = dir_ + "/logs";
    return s;
  }

  // Polls QueryJobs until `done` holds for the states; returns the last ones.
  std::vector<SlurmJobState> WaitFor(
      const std::function<bool(const std::vector<SlurmJobState>&)>& done) {
    const auto deadline = std::chrono::steady_clock::now() + kWaitTimeout;
    std::vector<SlurmJobState> states;
    while (std::chrono::steady_clock::now() < deadline) {
      Result<std::vector<SlurmJobState>> r = QueryJobs(job_id_);
      if (r.ok()) {
        states = *r;
        if (done(states)) return states;
      } else {
        ADD_FAILURE() << "QueryJobs: " << r.error().message;
        return states;
      }
      std::this_thread::sleep_for(kPollInterval);
    }
    std::string seen;
    for (const SlurmJobState& s : states) seen += s.job_id + "=" + s.state + " ";
    ADD_FAILURE() << "timed out; last states: " << seen;
    return states;
  }

  static bool AllIn(const std::vector<SlurmJobState>& states, std::size_t n, SlurmJobPhase phase) {
    return states.size() == n && std::all_of(states.begin(), states.end(), [&](const auto& s) {
             return s.phase == phase;
           });
  }

  std::string dir_;
  std::string job_id_;
};

TEST_F(SlurmE2eTest, ArrayOfThreeAgentsRunsToCompletion) {
  SlurmSubmission s = Submission(3);
  s.count_per_agent = 2;
  Result<std::string> script = RenderSbatchScript(s);
  ASSERT_TRUE(script.ok()) << script.error().message;
  Result<std::string> id = SubmitSbatch(*script, s.log_dir);
  ASSERT_TRUE(id.ok()) << id.error().message;
  job_id_ = *id;

  std::vector<SlurmJobState> states =
      WaitFor([](const auto& st) { return AllIn(st, 3, SlurmJobPhase::kCompleted); });
  ASSERT_EQ(states.size(), 3u);
  EXPECT_EQ(states[0].job_id, job_id_ + "_0");
  EXPECT_EQ(states[2].job_id, job_id_ + "_2");

  // Each task ran in the working dir with SWEEP_STORE and its argv intact.
  std::vector<std::string> lines;
  std::istringstream agents(ReadFile(dir_ + "/agents.txt"));
  for (std::string line; std::getline(agents, line);) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (std::vector<std::string>{"0 sqlite:///tmp/it's a store.db",
                                             "1 sqlite:///tmp/it's a store.db",
                                             "2 sqlite:///tmp/it's a store.db"}));
  EXPECT_EQ(ReadFile(dir_ + "/args_1.txt"), "agent\ne2e-sweep\n--count\n2\n");
  // One log per task, named by --output=%A_%a.out.
  EXPECT_TRUE(std::filesystem::exists(s.log_dir + "/" + job_id_ + "_2.out"));
}

TEST_F(SlurmE2eTest, CancelStopsALongRunningArray) {
  SlurmSubmission s = Submission(2);
  // The fake agent sleeps this long unless cancelled; --export passes it on.
  s.extra_sbatch_args = {"--export=ALL,FAKE_AGENT_SLEEP=600"};
  Result<std::string> script = RenderSbatchScript(s);
  ASSERT_TRUE(script.ok()) << script.error().message;
  Result<std::string> id = SubmitSbatch(*script, s.log_dir);
  ASSERT_TRUE(id.ok()) << id.error().message;
  job_id_ = *id;

  // Cancel only once an agent really runs (Slurm reports RUNNING slightly
  // before the batch script starts), so a running agent is what stops.
  const std::string started = dir_ + "/agents.txt";
  WaitFor([&](const auto& st) {
    return std::filesystem::exists(started) &&
           std::any_of(st.begin(), st.end(),
                       [](const auto& x) { return x.phase == SlurmJobPhase::kRunning; });
  });
  ASSERT_TRUE(CancelJob(job_id_).ok());
  std::vector<SlurmJobState> states =
      WaitFor([](const auto& st) { return AllIn(st, 2, SlurmJobPhase::kCancelled); });
  EXPECT_TRUE(AllIn(states, 2, SlurmJobPhase::kCancelled));
}

TEST_F(SlurmE2eTest, UnknownJobIsNotFound) {
  // Job ids count up from 1 on a fresh cluster; this one was never issued.
  Result<std::vector<SlurmJobState>> states = QueryJobs("999999");
  ASSERT_FALSE(states.ok());
  EXPECT_EQ(states.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace sweep
