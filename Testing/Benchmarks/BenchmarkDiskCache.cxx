// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// vtkTrackedDiskCache on a ~1M-point polydata with normals (about 84 MiB of arrays): a disk
// hit against one keyed checksum pass over the entry's bytes (the floor of a hit that checks
// every byte before serving it) and against VTK's own XML reader; a store against writing
// the same bytes plus one checksum pass; a cached filter's miss with a disk level against
// the plain filter. All in the same run; the files sit in the page cache (the case a warm
// cache is for); the directory is $TMPDIR or /tmp.
//   build/vtk/bin/BenchmarkDiskCache --benchmark_repetitions=5 \
//     --benchmark_report_aggregates_only=true
// Targets (issue 17): DiskHit/0 <= 1.5 x ChecksumPass, <= 0.25 x PlainReader/0;
// Store/0 <= 1.2 x WriteAndChecksum. DiskHit/2/1 (LZ4) next to LZ4Decompress.
#include "vtkElevationFilter.h"
#include "vtkLZ4DataCompressor.h"
#include "vtkNew.h"
#include "vtkPolyData.h"
#include "vtkPolyDataNormals.h"
#include "vtkSmartPointer.h"
#include "vtkSphereSource.h"
#include "vtkTrackedArrayCache.h"
#include "vtkTrackedCacheFilter.h"
#include "vtkTrackedDigest.h"
#include "vtkTrackedDiskCache.h"
#include "vtkTrackedFileIO.h"
#include "vtkTrivialProducer.h"
#include "vtkXMLPolyDataReader.h"
#include "vtkXMLPolyDataWriter.h"

#include <benchmark/benchmark.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

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

// The bytes of the entry the cache writes for the surface, uncompressed.
const std::string& EntryBytes()
{
  static const std::string bytes = []
  {
    auto cache = Cache(0);
    cache->Set(Key, Surface());
    std::ifstream in(cache->GetEntryPath(Key), std::ios::binary);
    std::stringstream all;
    all << in.rdbuf();
    return all.str();
  }();
  return bytes;
}

// One pass of keyed XXH3-128 over `size` bytes in the entries' chunks, as a hit checks them.
void Checksum(const char* bytes, std::size_t size, const std::string& secret)
{
  constexpr std::size_t ChunkBytes = 1 << 20;
  for (std::size_t begin = 0; begin < size; begin += ChunkBytes)
  {
    vtkTrackedHasher hasher(secret);
    hasher.Add(bytes + begin, std::min(ChunkBytes, size - begin));
    benchmark::DoNotOptimize(hasher.Digest());
  }
}

const std::string& Secret()
{
  static const std::string secret(192, '\x5a');
  return secret;
}

void ChecksumPass(benchmark::State& state)
{
  const std::string& bytes = EntryBytes();
  for (auto _ : state)
  {
    Checksum(bytes.data(), bytes.size(), Secret());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
}

// What an LZ4 hit cannot avoid: the entry's bytes, compressed as the cache does (1 MiB
// frames, level 1), decompressed into fresh memory (as into a hit's new arrays), one frame
// after the other.
void LZ4Decompress(benchmark::State& state)
{
  const std::string& bytes = EntryBytes();
  constexpr std::size_t FrameBytes = 1 << 20;
  vtkNew<vtkLZ4DataCompressor> lz4;
  lz4->SetCompressionLevel(1);
  std::vector<std::vector<unsigned char>> frames;
  for (std::size_t done = 0; done < bytes.size(); done += FrameBytes)
  {
    const std::size_t length = std::min(FrameBytes, bytes.size() - done);
    std::vector<unsigned char> frame(lz4->GetMaximumCompressionSpace(length));
    frame.resize(lz4->Compress(reinterpret_cast<const unsigned char*>(bytes.data()) + done, length,
      frame.data(), frame.size()));
    frames.push_back(std::move(frame));
  }
  for (auto _ : state)
  {
    std::unique_ptr<unsigned char[]> values(new unsigned char[bytes.size()]);
    std::size_t done = 0;
    for (const auto& frame : frames)
    {
      done += lz4->Uncompress(
        frame.data(), frame.size(), values.get() + done, std::min(FrameBytes, bytes.size() - done));
    }
    benchmark::DoNotOptimize(values.get());
  }
}

// What a store cannot avoid: a new file with the entry's bytes written and checksummed
// piece by piece, then renamed into place.
void WriteAndChecksum(benchmark::State& state)
{
  const std::string& bytes = EntryBytes();
  const std::string path = Directory() + "/written";
  constexpr std::size_t PieceBytes = 256 * 1024;
  for (auto _ : state)
  {
    const int fd = ::open((path + ".part").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    for (std::size_t done = 0; done < bytes.size(); done += PieceBytes)
    {
      const std::size_t piece = std::min(PieceBytes, bytes.size() - done);
      Checksum(bytes.data() + done, piece, Secret());
      vtkTrackedFileIO::WriteAt(fd, done, bytes.data() + done, piece);
    }
    ::close(fd);
    ::rename((path + ".part").c_str(), path.c_str());
  }
  ::unlink(path.c_str());
}

void DiskHit(benchmark::State& state)
{
  auto cache = Cache(static_cast<int>(state.range(0)));
  cache->SetMemoryMapping(state.range(1) != 0);
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

// Compressions: 0 none (the cache's default), 2 LZ4. DiskHit's second argument: mapped (1)
// or read into memory of its own (0).
BENCHMARK(ChecksumPass)->Unit(benchmark::kMillisecond);
BENCHMARK(LZ4Decompress)->Unit(benchmark::kMillisecond);
BENCHMARK(WriteAndChecksum)->Unit(benchmark::kMillisecond);
BENCHMARK(Store)->Arg(0)->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK(PlainWriter)->Arg(0)->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK(DiskHit)->Args({ 0, 1 })->Args({ 0, 0 })->Args({ 2, 1 })->Unit(benchmark::kMillisecond);
BENCHMARK(PlainReader)->Arg(0)->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK(PlainFilter)->Unit(benchmark::kMillisecond);
BENCHMARK(FilterMissWithDisk)->Arg(0)->Unit(benchmark::kMillisecond);

int main(int argc, char** argv)
{
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  std::system(("rm -rf '" + Directory() + "'").c_str());
  return 0;
}
