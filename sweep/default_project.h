// The project a run goes to when nobody names one: the sweep spec's
// `project` key, else the name of the working directory (as W&B's offline
// runs default to it), else "default" (the root directory has no name).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace sweep {

std::string DefaultProject(const std::optional<std::string>& spec_project, const std::filesystem::path& working_dir);

}  // namespace sweep
