// Where Sweep's Python clients (sweep_client, the offline `wandb` and `mlflow` modules)
// live, so trials can import them without installing anything.
#pragma once

#include <optional>
#include <string>

namespace sweep::cli {

// Overrides the search below (a folder holding sweep_client/ and wandb_shim/).
inline constexpr const char* kPythonClientsEnvVar = "SWEEP_PYTHON_CLIENTS";
// The `sweep` executable the Python client starts (clients/PROTOCOL.md).
inline constexpr const char* kSweepBinEnvVar = "SWEEP_BIN";

// The folder of the Python clients: $SWEEP_PYTHON_CLIENTS, else
// <prefix>/share/sweep/python beside an installed binary, else the source
// tree this binary was built from. nullopt when none exists.
std::optional<std::string> PythonClientsDir();

// Which drop-in modules go on a trial's PYTHONPATH (`--no-wandb-shim`,
// `--no-mlflow-shim` turn them off).
struct PythonShims {
  bool wandb = true;
  bool mlflow = true;
};

// "<clients>/wandb_shim:<clients>/mlflow_shim:<clients>[:$PYTHONPATH]" (the
// shims asked for), putting our `wandb` and `mlflow` ahead of real ones;
// nullopt when the clients are not found or no shim is asked for.
std::optional<std::string> PythonPathWithClients(const PythonShims& shims);

// What trials get as $SWEEP_BIN, the binary the Python client starts for
// runs it records itself (`sweep record`): $SWEEP_BIN when set, else this
// executable (the trial may not have `sweep` on its PATH); nullopt if
// neither is known.
std::optional<std::string> SweepBinaryForTrials();

}  // namespace sweep::cli
