#include "sweep/default_project.h"

#include "tracking/store.h"

namespace sweep {

std::string DefaultProject(const std::optional<std::string>& spec_project, const std::filesystem::path& working_dir) {
  if (spec_project && !spec_project->empty()) return *spec_project;
  const std::string name = working_dir.lexically_normal().filename().string();
  if (!name.empty() && name != "." && name != "..") return name;
  const std::string parent = working_dir.lexically_normal().parent_path().filename().string();  // "/a/b/" ends in ""
  return parent.empty() ? kDefaultProject : parent;
}

}  // namespace sweep
