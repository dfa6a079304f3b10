#include "tests/test_support.h"

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

namespace sweep::testing {

std::filesystem::path SourceDir() {
  const char* dir = std::getenv("SWEEP_SOURCE_DIR");
  return dir ? dir : ".";
}

std::string Program(const std::string& name) { return (SourceDir() / "tests/programs" / name).string(); }

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
               std::chrono::milliseconds poll) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(poll);
  }
}

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() / ("sweep-test-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::filesystem::path TempDir::Write(const std::string& name, const std::string& text) const {
  const auto p = path_ / name;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

std::unique_ptr<Store> OpenTestStore(const TempDir& dir) {
  auto store = OpenStore((dir.path() / ".sweep/sweep.db").string());
  EXPECT_TRUE(store.ok()) << store.error().message;
  return store.ok() ? std::move(store).value() : nullptr;
}

std::vector<RunRecord> OnlySweepRuns(Store& store) {
  auto sweeps = store.ListSweeps();
  EXPECT_TRUE(sweeps.ok());
  if (!sweeps.ok()) return {};
  EXPECT_EQ(sweeps->size(), 1u);
  if (sweeps->empty()) return {};
  auto runs = store.ListRuns(sweeps->front().id);
  EXPECT_TRUE(runs.ok());
  return runs.ok() ? *runs : std::vector<RunRecord>{};
}

SpecText::SpecText(const std::string& program, const std::string& method)
    : head_("program: " + program + "\nmethod: " + method + "\n") {}

SpecText& SpecText::Minimize(const std::string& metric, std::optional<double> target) {
  std::ostringstream out;
  out << "metric:\n  name: " << metric << "\n  goal: minimize\n";
  if (target) out << "  target: " << *target << "\n";
  metric_ = out.str();
  return *this;
}

SpecText& SpecText::Values(const std::string& name, const std::string& values) {
  parameters_ += "  " + name + ":\n    values: [" + values + "]\n";
  return *this;
}

SpecText& SpecText::Value(const std::string& name, const std::string& value) {
  parameters_ += "  " + name + ":\n    value: " + value + "\n";
  return *this;
}

SpecText& SpecText::Range(const std::string& name, const std::string& min, const std::string& max) {
  parameters_ += "  " + name + ":\n    min: " + min + "\n    max: " + max + "\n";
  return *this;
}

SpecText& SpecText::With(const std::string& yaml) {
  extra_ += yaml + "\n";
  return *this;
}


ReadOnlyFolder::ReadOnlyFolder(const std::filesystem::path& folder) : folder_(folder) {
  namespace fs = std::filesystem;
  if (::geteuid() == 0) {
    mounted_ = ::mount(folder.c_str(), folder.c_str(), nullptr, MS_BIND, nullptr) == 0 &&
               ::mount(nullptr, folder.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) == 0;
  } else {
    fs::permissions(folder, fs::perms::owner_read | fs::perms::owner_exec);
    for (const auto& entry : fs::directory_iterator(folder)) fs::permissions(entry.path(), fs::perms::owner_read);
  }
}

ReadOnlyFolder::~ReadOnlyFolder() {
  namespace fs = std::filesystem;
  if (mounted_) {
    ::umount2(folder_.c_str(), MNT_DETACH);
  } else if (::geteuid() != 0) {
    fs::permissions(folder_, fs::perms::owner_all);
    for (const auto& entry : fs::directory_iterator(folder_)) {
      fs::permissions(entry.path(), fs::perms::owner_read | fs::perms::owner_write);
    }
  }
}

bool ReadOnlyFolder::read_only() const { return mounted_ || ::geteuid() != 0; }

}  // namespace sweep::testing
