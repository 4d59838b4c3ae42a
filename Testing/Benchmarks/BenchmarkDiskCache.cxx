// vtkTrackedDiskCache on a ~1M-point polydata with normals (about 85 MB): a disk hit
// against VTK's own XML reader on a file written with the same settings, the cost of
// writing an entry against VTK's writer, and a cached filter's miss with a disk level
// against the plain filter, all in the same run. The files sit in the page cache (the
// case a warm cache is for); the directory is $TMPDIR or /tmp.
//   build/vtk/bin/BenchmarkDiskCache --benchmark_repetitions=5 \
//     --benchmark_report_aggregates_only=true
// Targets: DiskHit <= 1.2 x PlainReader at the same compression; FilterMissWithDisk -
// PlainFilter <= Store + 10 ms.
#include "vtkElevationFilter.h"
#include "vtkNew.h"
#include "vtkPolyData.h"
#include "vtkPolyDataNormals.h"
#include "vtkSmartPointer.h"
#include "vtkSphereSource.h"
#include "vtkTrackedArrayCache.h"
#include "vtkTrackedCacheFilter.h"
#include "vtkTrackedDiskCache.h"
#include "vtkTrivialProducer.h"
#include "vtkXMLPolyDataReader.h"
#include "vtkXMLPolyDataWriter.h"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <unistd.h>

namespace
{
vtkPolyData* Surface()
{
  static vtkSmartPointer<vtkPolyData> surface = []
  {
    vtkNew<vtkSphereSource> sphere;
    sphere->SetThetaResolution(1000);
    sphere->SetPhiResolution(1000);
    vtkNew<vtkPolyDataNormals> normals;
    normals->SetInputConnection(sphere->GetOutputPort());
    normals->Update();
    return vtkSmartPointer<vtkPolyData>(normals->GetOutput());
  }();
  return surface;
}

std::string Directory()
{
  static const std::string directory = []
  {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base ? base : "/tmp") + "/tracked-disk-bench-XXXXXX";
    return std::string(::mkdtemp(&pattern[0]));
  }();
  return directory;
}

vtkSmartPointer<vtkTrackedDiskCache> Cache(int compression)
{
  auto cache = vtkSmartPointer<vtkTrackedDiskCache>::New();
  cache->SetDirectory(Directory() + "/cache");
  cache->SetCompression(compression);
  cache->SetMaximumSize(0);
  return cache;
}

const char* const Key = "benchmark surface";

void Store(benchmark::State& state)
{
  auto cache = Cache(static_cast<int>(state.range(0)));
  for (auto _ : state)
  {
    cache->Set(Key, Surface());
  }
}

void DiskHit(benchmark::State& state)
{
  auto cache = Cache(static_cast<int>(state.range(0)));
  cache->Set(Key, Surface());
  for (auto _ : state)
  {
    vtkSmartPointer<vtkObject> loaded;
    loaded.TakeReference(cache->Get(Key));
    if (!loaded)
    {
      state.SkipWithError("miss");
    }
  }
}

std::string PlainFile(int compression)
{
  return Directory() + "/plain-" + std::to_string(compression) + ".vtp";
}

// VTK's writer with the settings the cache uses: appended raw binary, 64-bit headers.
void Configure(vtkXMLPolyDataWriter* writer, int compression)
{
  writer->SetInputData(Surface());
  writer->SetFileName(PlainFile(compression).c_str());
  writer->SetDataModeToAppended();
  writer->EncodeAppendedDataOff();
  writer->SetHeaderTypeToUInt64();
  writer->SetCompressorType(compression);
  if (compression)
  {
    writer->SetCompressionLevel(1);
  }
}

void PlainWriter(benchmark::State& state)
{
  vtkNew<vtkXMLPolyDataWriter> writer;
  Configure(writer, static_cast<int>(state.range(0)));
  for (auto _ : state)
  {
    writer->Write();
  }
}

void PlainReader(benchmark::State& state)
{
  const int compression = static_cast<int>(state.range(0));
  vtkNew<vtkXMLPolyDataWriter> writer;
  Configure(writer, compression);
  writer->Write();
  for (auto _ : state)
  {
    vtkNew<vtkXMLPolyDataReader> reader;
    reader->SetFileName(PlainFile(compression).c_str());
    reader->Update();
  }
}

// A cheap algorithm, so that what the disk level adds to a miss shows above the noise.
void PlainFilter(benchmark::State& state)
{
  vtkNew<vtkTrivialProducer> producer;
  producer->SetOutput(Surface());
  vtkNew<vtkElevationFilter> elevation;
  elevation->SetInputConnection(producer->GetOutputPort());
  for (auto _ : state)
  {
    elevation->Modified();
    elevation->Update();
  }
}

void FilterMissWithDisk(benchmark::State& state)
{
  auto cache = Cache(static_cast<int>(state.range(0)));
  vtkNew<vtkTrivialProducer> producer;
  producer->SetOutput(Surface());
  vtkNew<vtkElevationFilter> elevation;
  vtkNew<vtkTrackedCacheFilter> cached;
  cached->SetAlgorithm(elevation);
  cached->SetDiskCache(cache);
  cached->SetInputConnection(producer->GetOutputPort());
  double high = 1.0;
  for (auto _ : state)
  {
    elevation->SetHighPoint(0, 0, high += 1.0); // a new key every time: always a miss
    cached->Update();
    if (cached->GetLastResult() != "miss")
    {
      state.SkipWithError("not a miss");
    }
    state.PauseTiming();
    cached->GetCache()->Clear();
    cache->Clear();
    state.ResumeTiming();
  }
}
}

// Compressions: 0 none, 2 LZ4 (the cache's default).
BENCHMARK(Store)->Arg(0)->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK(PlainWriter)->Arg(0)->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK(DiskHit)->Arg(0)->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK(PlainReader)->Arg(0)->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK(PlainFilter)->Unit(benchmark::kMillisecond);
BENCHMARK(FilterMissWithDisk)->Arg(2)->Unit(benchmark::kMillisecond);

int main(int argc, char** argv)
{
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  std::system(("rm -rf '" + Directory() + "'").c_str());
  return 0;
}
