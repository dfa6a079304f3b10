#include "agents/host/environment_capture.h"

#include <algorithm>

#include "agents/host/command_output.h"
#include "agents/host/data_digest.h"
#include "core/shell_quote.h"
#include "core/sha256.h"

namespace sweep {
namespace {

// Interpreters whose `--version` we record. Matched on the program's base
// name, also with a version suffix ("python3.11", "pypy3").
constexpr std::string_view kInterpreters[] = {"python", "pypy", "node", "Rscript", "julia",
                                              "ruby", "perl", "bash"};

std::string BaseName(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool IsInterpreter(const std::string& program) {
  const std::string base = BaseName(program);
  return std::any_of(std::begin(kInterpreters), std::end(kInterpreters),
                     [&](std::string_view name) { return base.starts_with(name); });
}

bool IsPython(const std::string& program) {
  const std::string base = BaseName(program);
  return base.starts_with("python") || base.starts_with("pypy");
}

std::string FirstLine(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

// Runs git in `dir`; the trimmed stdout, or nullopt when git fails or is absent.
std::optional<std::string> GitLine(const std::filesystem::path& dir,
                                   std::vector<std::string> args) {
  std::vector<std::string> argv = {"git", "-C", dir.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto out = RunCommand(argv);
  if (!out.ok() || out->exit_code != 0) return std::nullopt;
  return FirstLine(out->stdout_text);
}

}  // namespace

std::string DetectInterpreter(const std::vector<std::string>& argv) {
  if (argv.empty()) return "";
  if (IsInterpreter(argv[0])) return argv[0];
  if (BaseName(argv[0]) == "env" && argv.size() > 1 && IsInterpreter(argv[1])) return argv[1];
  return "";
}

const EnvironmentCapture::GitFacts& EnvironmentCapture::Git(const std::filesystem::path& dir) {
  if (auto it = git_.find(dir); it != git_.end()) return it->second;
  GitFacts facts;
  if (auto commit = GitLine(dir, {"rev-parse", "--verify", "HEAD"})) {
    facts.in_repo = true;
    facts.commit = *commit;
    facts.branch = GitLine(dir, {"rev-parse", "--abbrev-ref", "HEAD"}).value_or("");
    // --no-ext-diff/--no-color: the user's git config must not change the bytes hashed.
    auto diff = RunCommand({"git", "-C", dir.string(), "diff", "HEAD", "--no-ext-diff",
                            "--no-color", "--binary"});
    if (diff.ok() && diff->exit_code == 0) {
      facts.diff = std::move(diff->stdout_text);
      if (!facts.diff.empty()) facts.diff_sha256 = Sha256Hex(facts.diff);
    }
  }
  return git_.emplace(dir, std::move(facts)).first->second;
}

const std::string& EnvironmentCapture::InterpreterVersion(const std::string& interpreter) {
  if (auto it = interpreter_versions_.find(interpreter); it != interpreter_versions_.end()) {
    return it->second;
  }
  std::string version;
  if (auto out = RunCommand({interpreter, "--version"}); out.ok() && out->exit_code == 0) {
    // Python 2 and some others print the version on stderr.
    version = FirstLine(out->stdout_text.empty() ? out->stderr_text : out->stdout_text);
  }
  return interpreter_versions_.emplace(interpreter, std::move(version)).first->second;
}

const PythonPackages& EnvironmentCapture::Packages(const std::string& interpreter) {
  if (auto it = packages_.find(interpreter); it != packages_.end()) return it->second;
  // An interpreter that cannot list its packages (Python < 3.8) records none: never a failure of the run.
  auto read = ReadPythonPackages(interpreter);
  return packages_.emplace(interpreter, read.ok() ? std::move(read).value() : PythonPackages{}).first->second;
}

Status EnvironmentCapture::SetInputs(const std::vector<std::string>& paths, const std::filesystem::path& working_dir) {
  std::map<std::string, std::string> tags;
  if (paths.empty()) {
    input_tags_.clear();
    return OkStatus();
  }
  FileDigestCache cache = FileDigestCache::OpenDefault();
  for (const std::string& path : paths) {
    const std::filesystem::path full = std::filesystem::absolute(working_dir / path).lexically_normal();
    auto digest = DigestData(full, &cache);
    if (!digest.ok()) return Error{digest.error().code, "inputs: " + path + ": " + digest.error().message};
    tags[kInputTagPrefix + path] = InputTagValue(InputFromDigest(path, *digest, full.string(), ""));
  }
  cache.Save();
  input_tags_ = std::move(tags);
  return OkStatus();
}

CapturedEnvironment EnvironmentCapture::Capture(const EnvironmentRequest& request) {
  CapturedEnvironment env;
  auto& tags = env.tags;
  tags.insert(input_tags_.begin(), input_tags_.end());
  auto set = [&tags](const std::string& key, const std::string& value) {
    if (!value.empty()) tags[key] = value;
  };

  const GitFacts& git = Git(request.working_dir.empty() ? std::filesystem::path(".")
                                                        : request.working_dir);
  if (git.in_repo) {
    set("env.git.commit", git.commit);
    set("env.git.branch", git.branch);
    tags["env.git.dirty"] = git.diff.empty() ? "false" : "true";
    set("env.git.diff_sha256", git.diff_sha256);
    env.git_diff = git.diff;
  }

  if (!host_) host_ = ReadHostInfo();
  set("env.host", host_->hostname);
  set("env.os", host_->os);
  set("env.kernel", host_->kernel);
  set("env.cpu.model", host_->cpu_model);
  if (host_->cpu_count > 0) tags["env.cpu.count"] = std::to_string(host_->cpu_count);

  if (!request.gpus.empty()) {
    std::string names;
    for (const GpuInfo& g : request.gpus) names += (names.empty() ? "" : ",") + g.name;
    set("env.gpu.names", names);
    set("env.gpu.driver", request.gpus.front().driver_version);
    set("env.gpu.cuda", request.gpus.front().cuda_version);
  }

  const std::string interpreter =
      request.interpreter.empty() ? DetectInterpreter(request.argv) : request.interpreter;
  if (!interpreter.empty()) {
    set("env.interpreter", interpreter);
    const std::string& version = InterpreterVersion(interpreter);
    set("env.interpreter.version", version);
    // "Python 3.11.2" -> "3.11.2"
    if (IsPython(interpreter) && version.starts_with("Python ")) {
      set("env.python", version.substr(std::string_view("Python ").size()));
    }
    if (IsPython(interpreter)) {
      const PythonPackages& packages = Packages(interpreter);
      for (const auto& [key, value] : PythonPackageTags(packages)) tags[key] = value;
      env.requirements = packages.requirements;
    }
  }

  set("env.cwd", request.working_dir.string());
  set("env.command", ShellQuoteCommand(request.argv));
  tags["sweep.spec_sha256"] = Sha256Hex(request.spec_text);
  // Written as the unsigned number `--seed` accepts (it is carried as int64).
  if (request.seed) tags["sweep.seed"] = std::to_string(static_cast<std::uint64_t>(*request.seed));
  return env;
}

CapturedEnvironment CaptureEnvironment(const EnvironmentRequest& request) {
  EnvironmentCapture capture;
  return capture.Capture(request);
}

}  // namespace sweep
