// NvidiaSmiInventory: GPU inventory and sampling by running nvidia-smi and
// parsing its CSV output. The fallback when NVML cannot be loaded (e.g. a
// container exposing only the nvidia-smi binary). Each call spawns
// nvidia-smi (tens of milliseconds), fine at the sampler's 5 s period.
//
// Thread-safety: stateless besides the program path; see GpuInventory.
#pragma once

#include <string>

#include "agents/host/gpu_inventory.h"

namespace sweep {

class NvidiaSmiInventory : public GpuInventory {
 public:
  // `program` is looked up on PATH when it has no '/'.
  explicit NvidiaSmiInventory(std::string program = "nvidia-smi");

  // Runs `nvidia-smi --query-gpu=index,uuid,name,memory.total,driver_version
  // --format=csv,noheader,nounits`, plus plain `nvidia-smi` once for the
  // "CUDA Version: X.Y" banner (no query field reports it). "[N/A]" fields
  // become empty strings / 0 bytes. kNotFound when nvidia-smi cannot run; kIo
  // when it fails or prints something unparsable.
  Result<std::vector<GpuInfo>> List() override;
  // Runs the --query-gpu=index,utilization.gpu,memory.used,power.draw,
  // temperature.gpu query; "[N/A]" readings become NaN.
  Result<std::vector<GpuSample>> Sample(const std::vector<int>& indices) override;
  std::string_view source() const override { return "nvidia-smi"; }

 private:
  std::string program_;
};

}  // namespace sweep
