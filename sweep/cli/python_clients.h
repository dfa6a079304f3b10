// Where Sweep's Python clients (sweep_client and the offline `wandb` module)
// live, so trials can import them without installing anything.
#pragma once

#include <optional>
#include <string>

namespace sweep::cli {

// Overrides the search below (a folder holding sweep_client/ and wandb_shim/).
inline constexpr const char* kPythonClientsEnvVar = "SWEEP_PYTHON_CLIENTS";

// The folder of the Python clients: $SWEEP_PYTHON_CLIENTS, else
// <prefix>/share/sweep/python beside an installed binary, else the source
// tree this binary was built from. nullopt when none exists.
std::optional<std::string> PythonClientsDir();

// "<clients>/wandb_shim:<clients>[:$PYTHONPATH]", putting our `wandb` ahead
// of a real one; nullopt when the clients are not found.
std::optional<std::string> PythonPathWithClients();

}  // namespace sweep::cli
