// The client's handling of what Slurm's programs do, with small scripts in
// their place (the real cluster is exercised in slurm_e2e_test.cc).
#include "agents/slurm/slurm_client.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace sweep {
namespace {

class SlurmClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sweep-slurm-client-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes an executable bash script `name` with `body`; returns its path.
  std::string Program(const std::string& name, const std::string& body) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << "#!/bin/bash\n" << body << "\n";
    ::chmod(path.c_str(), 0755);
    return path;
  }

  std::string dir_;
};

TEST_F(SlurmClientTest, SubmitWritesPrivateScriptAndReturnsJobId) {
  SlurmCommands commands;
  // Echoes a warning line first, as sbatch does for some options, and
  // leaves the script's path where the test can see it.
  commands.sbatch = Program("sbatch", "echo \"$2\" > " + dir_ +
                                          "/submitted; echo 'sbatch: warning: x' >&2; "
                                          "echo '4242;cluster'");
  Result<std::string> id = SubmitSbatch("#!/bin/bash\necho hi\n", dir_ + "/logs/a", commands);
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(*id, "4242");
  std::string script_path;
  std::getline(std::ifstream(dir_ + "/submitted"), script_path);
  ASSERT_EQ(script_path.rfind(dir_ + "/logs/a/sweep-", 0), 0u) << script_path;
  std::stringstream text;
  text << std::ifstream(script_path).rdbuf();
  EXPECT_EQ(text.str(), "#!/bin/bash\necho hi\n");
  struct stat st {};
  ASSERT_EQ(::stat(script_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(SlurmClientTest, SubmitReportsSbatchFailure) {
  SlurmCommands commands;
  commands.sbatch = Program("sbatch", "echo 'sbatch: error: invalid partition specified: x' >&2; exit 1");
  Result<std::string> id = SubmitSbatch("#!/bin/bash\n", dir_, commands);
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().code, ErrorCode::kIo);
  EXPECT_NE(id.error().message.find("invalid partition"), std::string::npos) << id.error().message;

  commands.sbatch = Program("sbatch2", "echo 'Submitted batch job'");
  EXPECT_FALSE(SubmitSbatch("#!/bin/bash\n", dir_, commands).ok());

  commands.sbatch = dir_ + "/no-such-sbatch";
  Result<std::string> missing = SubmitSbatch("#!/bin/bash\n", dir_, commands);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kIo);
}

TEST_F(SlurmClientTest, QueryMergesSqueueWithSacctAndSurvivesNoAccounting) {
  SlurmCommands commands;
  commands.squeue = Program("squeue", "echo '9_0|RUNNING|vm'");
  commands.sacct = Program("sacct", "echo 'Slurm accounting storage is disabled' >&2; exit 1");
  Result<std::vector<SlurmJobState>> states = QueryJobs("9", commands);
  ASSERT_TRUE(states.ok()) << states.error().message;
  ASSERT_EQ(states->size(), 1u);
  EXPECT_EQ((*states)[0].phase, SlurmJobPhase::kRunning);

  commands.sacct = Program("sacct2", "printf '9_0|RUNNING|0:0\\n9_1|COMPLETED|0:0\\n9_1.batch|COMPLETED|0:0\\n'");
  states = QueryJobs("9", commands);
  ASSERT_TRUE(states.ok()) << states.error().message;
  ASSERT_EQ(states->size(), 2u);
  EXPECT_EQ((*states)[1].job_id, "9_1");
  EXPECT_EQ((*states)[1].exit_code, 0);
}

TEST_F(SlurmClientTest, QueryOfForgottenJobIsNotFound) {
  SlurmCommands commands;
  commands.squeue = Program("squeue", "echo 'slurm_load_jobs error: Invalid job id specified' >&2; exit 1");
  commands.sacct = dir_ + "/no-such-sacct";
  Result<std::vector<SlurmJobState>> states = QueryJobs("9", commands);
  ASSERT_FALSE(states.ok());
  EXPECT_EQ(states.error().code, ErrorCode::kNotFound);

  commands.squeue = Program("squeue2", "echo 'Unable to contact slurm controller' >&2; exit 1");
  states = QueryJobs("9", commands);
  ASSERT_FALSE(states.ok());
  EXPECT_EQ(states.error().code, ErrorCode::kIo);
}

TEST_F(SlurmClientTest, RejectsJobIdsThatCouldBeOptions) {
  for (const char* bad : {"", "-u", "1,2", "1_", "_1", "1 2", "--me"}) {
    Result<std::vector<SlurmJobState>> states = QueryJobs(bad);
    ASSERT_FALSE(states.ok()) << bad;
    EXPECT_EQ(states.error().code, ErrorCode::kInvalidInput) << bad;
    Status cancelled = CancelJob(bad);
    ASSERT_FALSE(cancelled.ok()) << bad;
    EXPECT_EQ(cancelled.error().code, ErrorCode::kInvalidInput) << bad;
  }
}

TEST_F(SlurmClientTest, CancelPassesTheIdAndReportsFailure) {
  SlurmCommands commands;
  commands.scancel = Program("scancel", "echo \"$@\" > " + dir_ + "/cancelled");
  ASSERT_TRUE(CancelJob("12_3", commands).ok());
  std::string args;
  std::getline(std::ifstream(dir_ + "/cancelled"), args);
  EXPECT_EQ(args, "12_3");

  commands.scancel = Program("scancel2", "echo 'scancel: error: Invalid job id 12' >&2; exit 1");
  Status failed = CancelJob("12", commands);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kIo);
}

}  // namespace
}  // namespace sweep
