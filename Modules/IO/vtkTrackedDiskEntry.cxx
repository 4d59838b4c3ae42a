// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
#include "vtkTrackedDiskEntry.h"

#include "vtkTrackedEntryFormat.h"
#include "vtkTrackedFileIO.h"

#include <cstring>

constexpr char vtkTrackedDiskHeader::Magic[9];

namespace
{
using vtkTrackedEntryFormat::ByteWriter;
using vtkTrackedEntryFormat::SpanReader;

std::uint64_t HeaderChecksum(const char* bytes, std::size_t size, const std::string& secret)
{
  vtkTrackedHasher hasher(secret);
  hasher.Add(bytes, size);
  return hasher.Digest().Low;
}
}

//------------------------------------------------------------------------------
std::string vtkTrackedDiskHeader::Encode(const std::string& secret) const
{
  ByteWriter header;
  header.Value<std::int64_t>(this->Created);
  header.Value<double>(this->ComputeSeconds);
  header.Value<std::uint64_t>(this->PayloadSize);
  header.Value<std::uint32_t>(this->ChunkBytes);
  header.Value<std::uint64_t>(this->ChunkListChecksum.High);
  header.Value<std::uint64_t>(this->ChunkListChecksum.Low);
  header.Text(this->VTKVersion);
  header.Text(this->Key);
  header.Text(this->Digest);
  ByteWriter file;
  file.Bytes.append(Magic, 8);
  file.Value<std::uint32_t>(FormatVersion);
  file.Value<std::uint32_t>(static_cast<std::uint32_t>(header.Bytes.size()));
  file.Bytes += header.Bytes;
  file.Value<std::uint64_t>(HeaderChecksum(file.Bytes.data(), file.Bytes.size(), secret));
  return file.Bytes;
}

//------------------------------------------------------------------------------
vtkTrackedDiskHeader::Status vtkTrackedDiskHeader::Measure(
  const char* prefix, std::size_t size, std::size_t& headerBytes)
{
  if (size < 8 || std::memcmp(prefix, Magic, 8) != 0)
  {
    return Status::NotOurs;
  }
  SpanReader reader(prefix + 8, size - 8);
  const auto version = reader.Value<std::uint32_t>();
  const auto length = reader.Value<std::uint32_t>();
  if (reader.Failed())
  {
    return Status::Corrupt;
  }
  if (version != FormatVersion)
  {
    return version > FormatVersion ? Status::FutureVersion
      : version >= 1               ? Status::OlderVersion
                                   : Status::Corrupt;
  }
  if (length > MaximumHeaderBytes)
  {
    return Status::Corrupt;
  }
  headerBytes = PrefixBytes + length + sizeof(std::uint64_t);
  return Status::Ok;
}

//------------------------------------------------------------------------------
vtkTrackedDiskHeader::Status vtkTrackedDiskHeader::Decode(const char* bytes, std::size_t size,
  const std::string& secret, vtkTrackedDiskHeader& header, std::string& error)
{
  std::size_t expected = 0;
  const Status measured = Measure(bytes, size, expected);
  if (measured != Status::Ok)
  {
    error = measured == Status::NotOurs   ? "not a cache entry"
      : measured == Status::FutureVersion ? "written by a newer format"
      : measured == Status::OlderVersion  ? "written by an older format"
                                          : "a damaged header";
    return measured;
  }
  if (size != expected)
  {
    error = "a truncated header";
    return Status::Corrupt;
  }
  const std::size_t checked = size - sizeof(std::uint64_t);
  std::uint64_t checksum = 0;
  std::memcpy(&checksum, bytes + checked, sizeof(checksum));
  if (checksum != HeaderChecksum(bytes, checked, secret))
  {
    error = "a header that fails its checksum";
    return Status::Corrupt;
  }
  SpanReader reader(bytes + PrefixBytes, checked - PrefixBytes);
  header.Created = reader.Value<std::int64_t>();
  header.ComputeSeconds = reader.Value<double>();
  header.PayloadSize = reader.Value<std::uint64_t>();
  header.ChunkBytes = reader.Value<std::uint32_t>();
  header.ChunkListChecksum.High = reader.Value<std::uint64_t>();
  header.ChunkListChecksum.Low = reader.Value<std::uint64_t>();
  header.VTKVersion = reader.Text();
  header.Key = reader.Text();
  header.Digest = reader.Text();
  // Chunks from 4 KiB to 64 MiB (a reader allocates one), payloads whose file size has no
  // overflow.
  if (reader.Failed() || reader.Left() != 0 || header.ChunkBytes < 4096 ||
    header.ChunkBytes > (64u << 20) || header.PayloadSize > (std::uint64_t(1) << 62))
  {
    error = "an inconsistent header";
    return Status::Corrupt;
  }
  return Status::Ok;
}

//------------------------------------------------------------------------------
std::uint64_t vtkTrackedDiskHeader::NumberOfChunks() const
{
  return (this->PayloadSize + this->ChunkBytes - 1) / this->ChunkBytes;
}

//------------------------------------------------------------------------------
std::uint64_t vtkTrackedDiskHeader::FileBytes(std::size_t headerBytes) const
{
  return headerBytes + this->PayloadSize + 16 * this->NumberOfChunks();
}

//------------------------------------------------------------------------------
vtkTrackedDigest vtkTrackedDiskEntry::ChecksumList(
  const std::vector<vtkTrackedDigest>& checksums, const std::string& secret)
{
  vtkTrackedHasher hasher(secret);
  for (const auto& checksum : checksums)
  {
    const std::uint64_t words[2] = { checksum.High, checksum.Low };
    hasher.Add(words, sizeof(words));
  }
  return hasher.Digest();
}

//------------------------------------------------------------------------------
vtkTrackedDiskHeader::Status vtkTrackedDiskHeader::Read(int fd, const std::string& secret,
  vtkTrackedDiskHeader& header, std::size_t& headerBytes, std::string& error)
{
  char prefix[PrefixBytes];
  if (!vtkTrackedFileIO::ReadAt(fd, 0, prefix, sizeof(prefix)))
  {
    error = "shorter than a header";
    return Status::Corrupt;
  }
  const auto measured = Measure(prefix, sizeof(prefix), headerBytes);
  if (measured != Status::Ok)
  {
    error = measured == Status::FutureVersion ? "written by a newer format"
      : measured == Status::OlderVersion      ? "written by an older format"
                                              : "not a valid entry";
    return measured;
  }
  std::string bytes(prefix, sizeof(prefix));
  bytes.resize(headerBytes);
  if (!vtkTrackedFileIO::ReadAt(
        fd, sizeof(prefix), &bytes[sizeof(prefix)], headerBytes - sizeof(prefix)))
  {
    error = "a truncated header";
    return Status::Corrupt;
  }
  return Decode(bytes.data(), bytes.size(), secret, header, error);
}

//------------------------------------------------------------------------------
bool vtkTrackedDiskEntry::WriteEntry(int fd, vtkTrackedDiskHeader& header,
  const std::vector<vtkObject*>& objects, int compression, int level, const std::string& secret,
  std::string& error)
{
  const std::size_t headerBytes = header.Encode(secret).size(); // the numbers come later
  std::vector<vtkTrackedDigest> checksums;
  if (!vtkTrackedDiskEntry::WritePayload(fd, headerBytes, objects, compression, level,
        header.ChunkBytes, secret, header.PayloadSize, checksums, error))
  {
    return false;
  }
  header.ChunkListChecksum = vtkTrackedDiskEntry::ChecksumList(checksums, secret);
  std::string list;
  for (const auto& checksum : checksums)
  {
    list.append(reinterpret_cast<const char*>(&checksum.High), sizeof(checksum.High));
    list.append(reinterpret_cast<const char*>(&checksum.Low), sizeof(checksum.Low));
  }
  const std::string encoded = header.Encode(secret);
  if (!vtkTrackedFileIO::WriteAt(fd, headerBytes + header.PayloadSize, list.data(), list.size()) ||
    !vtkTrackedFileIO::WriteAt(fd, 0, encoded.data(), encoded.size()))
  {
    error = "cannot write: " + vtkTrackedFileIO::ErrnoText();
    return false;
  }
  return true;
}

//------------------------------------------------------------------------------
bool vtkTrackedDiskEntry::ReadChunkList(const char* entry, const vtkTrackedDiskHeader& header,
  std::size_t headerBytes, const std::string& secret, std::vector<vtkTrackedDigest>& checksums)
{
  const char* list = entry + headerBytes + header.PayloadSize;
  checksums.resize(static_cast<std::size_t>(header.NumberOfChunks()));
  for (std::size_t i = 0; i < checksums.size(); ++i)
  {
    std::memcpy(&checksums[i].High, list + 16 * i, 8);
    std::memcpy(&checksums[i].Low, list + 16 * i + 8, 8);
  }
  return vtkTrackedDiskEntry::ChecksumList(checksums, secret) == header.ChunkListChecksum;
}
