// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @file vtkTrackedDiskEntry.h
 * @brief Private: the file format of vtkTrackedDiskCache entries, parsed as untrusted.
 *
 * An entry file is, all numbers little-endian:
 *
 *     magic "VTKTACE\n", format version (u32), header length H (u32, at most 1 MiB)
 *     header (H bytes): created (i64, Unix seconds), compute seconds (f64), payload size P
 *       (u64), chunk size C (u32), checksum of the chunk list (XXH3-128), then three texts
 *       (u32 length + bytes): the VTK version that wrote it, the key, the key's digest
 *     header checksum (u64: the low half of the XXH3-128 of everything before it)
 *     payload (P bytes): the stored objects, in the native format of
 *       vtkTrackedEntryFormat.h (format 2)
 *     chunk list: the XXH3-128 of each C-byte chunk of the payload (the last one shorter),
 *       16 bytes each, up to the end of the file
 *
 * Every byte of the payload is checked against its chunk's checksum, in one pass over the
 * mapped entry, before anything is decoded or served. The checksums are keyed with the
 * cache directory's secret (XXH3-128 with a secret): an entry made without it, crafted or
 * copied from elsewhere, is never decoded. Nothing in an entry is code.
 *
 * Format 1 (VTK XML leaves) is no longer read: such an entry is a miss, left in place
 * for the older module that may share the directory, and replaced by the next store of
 * its key. An entry of a newer format is a miss left in place too.
 *
 * @sa
 * vtkTrackedDiskCache vtkTrackedEntryBytes vtkTrackedEntryArrays
 */

#ifndef vtkTrackedDiskEntry_h
#define vtkTrackedDiskEntry_h

#include "vtkSmartPointer.h"            // for the objects
#include "vtkTrackedABINamespace.h"     // for VTK_ABI_NAMESPACE_BEGIN
#include "vtkTrackedArrayCacheModule.h" // for the export macro
#include "vtkTrackedDigest.h"           // for the checksums

#include <cstdint> // for sizes
#include <memory>  // for the entry's bytes
#include <string>  // for texts
#include <vector>  // for objects and checksums

VTK_ABI_NAMESPACE_BEGIN
class vtkObject;
VTK_ABI_NAMESPACE_END
class vtkTrackedEntryBytes;

struct vtkTrackedDiskHeader
{
  static constexpr char Magic[9] = "VTKTACE\n";
  static constexpr std::uint32_t FormatVersion = 2;
  static constexpr std::size_t PrefixBytes = 16; // magic, version, header length
  static constexpr std::uint32_t MaximumHeaderBytes = 1 << 20;
  static constexpr std::uint32_t DefaultChunkBytes = 1 << 20;

  std::int64_t Created = 0;
  double ComputeSeconds = 0.0;
  std::uint64_t PayloadSize = 0;
  std::uint32_t ChunkBytes = DefaultChunkBytes;
  vtkTrackedDigest ChunkListChecksum;
  std::string VTKVersion;
  std::string Key;
  std::string Digest;

  /**
   * Prefix, header and header checksum (keyed with `secret`): what precedes the payload.
   * Its size depends only on the texts.
   */
  std::string Encode(const std::string& secret) const;

  /**
   * Chunks of the payload, and the bytes of the whole file.
   */
  std::uint64_t NumberOfChunks() const;
  std::uint64_t FileBytes(std::size_t headerBytes) const;

  enum class Status
  {
    Ok,
    NotOurs,       // no magic: not an entry
    FutureVersion, // written by a newer format: left alone
    OlderVersion,  // written by an older format: left alone, replaced by the next store
    Corrupt        // truncated, inconsistent or failing its checksum
  };

  /**
   * How many bytes the prefix announces (prefix + header + checksum), from the first
   * PrefixBytes of a file.
   */
  static Status Measure(const char* prefix, std::size_t size, std::size_t& headerBytes);

  /**
   * Parses `bytes` (exactly the size Measure() gave) and checks the header checksum.
   */
  static Status Decode(const char* bytes, std::size_t size, const std::string& secret,
    vtkTrackedDiskHeader& header, std::string& error);

  /**
   * Reads and checks the header of the open entry file `fd`: Measure() then Decode().
   */
  static Status Read(int fd, const std::string& secret, vtkTrackedDiskHeader& header,
    std::size_t& headerBytes, std::string& error);
};

/**
 * What reading a payload gave: its objects, or why not.
 */
enum class vtkTrackedPayloadStatus
{
  Ok,
  Damaged,     // failing a checksum, truncated or malformed
  OtherLayout, // polyhedron faces in the layout of another VTK version: left alone
  OutOfMemory  // not enough memory for its arrays now
};

namespace vtkTrackedDiskEntry
{
/**
 * Writes the payload of `objects` (data objects of the types vtkTrackedEntryFormat.h
 * lists, composite trees of them, arrays; nulls allowed) into the open file `fd` from
 * `offset` on, and gives its size and the checksums of its `chunkBytes`-byte chunks (keyed
 * with `secret`), computed as it is written. Compression: 0 none, 1 zlib, 2 LZ4, 3 LZMA,
 * with a level from 1 to 9. False with `error` for an object it cannot store or a failed
 * write (errno then tells why).
 */
bool WritePayload(int fd, std::uint64_t offset, const std::vector<vtkObject*>& objects,
  int compression, int level, std::uint32_t chunkBytes, const std::string& secret,
  std::uint64_t& size, std::vector<vtkTrackedDigest>& checksums, std::string& error);

/**
 * Writes a whole entry into the empty file `fd`: the payload of `objects` (as
 * WritePayload() does, in chunks of `header.ChunkBytes`), its chunk list, then
 * `header` at the start, with the payload's size and the chunk list's checksum filled in.
 * False with `error` set for an object it cannot store or a failed write.
 */
bool WriteEntry(int fd, vtkTrackedDiskHeader& header, const std::vector<vtkObject*>& objects,
  int compression, int level, const std::string& secret, std::string& error);

/**
 * The chunk checksums that follow the payload in `entry`, all of an entry file whose size
 * matched FileBytes(); false if they fail the header's checksum of the list.
 */
bool ReadChunkList(const char* entry, const vtkTrackedDiskHeader& header, std::size_t headerBytes,
  const std::string& secret, std::vector<vtkTrackedDigest>& checksums);

/**
 * The checksum of a chunk list, as the header records it.
 */
vtkTrackedDigest ChecksumList(
  const std::vector<vtkTrackedDigest>& checksums, const std::string& secret);

/**
 * Reads the objects of the payload at [offset, offset + size) of `bytes`: every chunk is
 * checked against `checksums` (keyed with `secret`) first; uncompressed values are then
 * lent to the arrays in place (the arrays keep `bytes` alive). Unless Ok, `error` says
 * why and `objects` is empty.
 */
VTKTRACKEDARRAYCACHE_EXPORT vtkTrackedPayloadStatus ReadPayload(
  const std::shared_ptr<vtkTrackedEntryBytes>& bytes, std::uint64_t offset, std::uint64_t size,
  std::uint32_t chunkBytes, const std::vector<vtkTrackedDigest>& checksums,
  const std::string& secret, std::vector<vtkSmartPointer<vtkObject>>& objects, std::string& error);
}

#endif
