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
 *     payload (P bytes)
 *     chunk list: the XXH3-128 of each C-byte chunk of the payload (the last one shorter),
 *       16 bytes each, up to the end of the file
 *
 * Every byte of the payload is checked against its chunk's checksum before anything reads
 * it; readers verify chunks as they reach them, so an entry is read once, not hashed in a
 * pass of its own first. The checksums are keyed with the cache directory's secret
 * (XXH3-128 with a secret): an entry made without it, crafted or copied from elsewhere,
 * never reaches VTK's XML readers, which are not built for hostile input.
 *
 * The payload holds the stored objects: a count (u32), then each object as a node:
 *
 *     0 none | 1 leaf: class name, fix-ups, XML size (u64), XML bytes | 2 multiblock:
 *     count (u32), then per block a name flag (u8), its name if set, and a node |
 *     3 partitioned data set: count, nodes | 4 partitioned collection: data assembly XML,
 *     count, per partitioned data set a name flag, name, node | 5 array: VTK data type (as
 *     text), fix-ups, XML size, XML bytes of a one-column vtkTable holding it (it comes
 *     back with the same type and values, in VTK's AOS layout)
 *
 * Leaves are VTK's own XML formats (appended raw binary data, optionally compressed by
 * VTK's zlib, LZ4 or LZMA compressor), written and read through streams straight to and
 * from the entry file: nothing in an entry is code. Fix-ups restore what the XML formats
 * change: a flag for a point set stored without a points object (u8), and the indices of
 * its unnamed arrays (u32 count, increasing u32 indices in vtkTrackedVisitOwnArrays()
 * order), which XML names "Array 0x...". Every length and count read is checked against
 * what is left before it is used.
 */

#ifndef vtkTrackedDiskEntry_h
#define vtkTrackedDiskEntry_h

#include "vtkSmartPointer.h"        // for the objects
#include "vtkTrackedABINamespace.h" // for VTK_ABI_NAMESPACE_BEGIN
#include "vtkTrackedDigest.h"       // for the checksums

#include <cstdint> // for sizes
#include <string>  // for texts
#include <vector>  // for objects and checksums

VTK_ABI_NAMESPACE_BEGIN
class vtkObject;
VTK_ABI_NAMESPACE_END

struct vtkTrackedDiskHeader
{
  static constexpr char Magic[9] = "VTKTACE\n";
  static constexpr std::uint32_t FormatVersion = 1;
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
};

/**
 * Writes the payload of `objects` (data objects of the types above, composite trees of
 * them, arrays; nulls allowed) into the open file `fd` from `offset` on, and gives its
 * size. Compression: 0 none, 1 zlib, 2 LZ4, 3 LZMA, with a level from 1 to 9. False with
 * `error` for an object it cannot store or a failed write (errno then tells why).
 */
bool vtkTrackedWritePayload(int fd, std::uint64_t offset, const std::vector<vtkObject*>& objects,
  int compression, int level, std::uint64_t& size, std::string& error);

/**
 * The checksums of the chunks of the payload at [offset, offset + size) of `fd`, read back
 * from the file. False if it cannot be read.
 */
bool vtkTrackedChecksumPayload(int fd, std::uint64_t offset, std::uint64_t size,
  std::uint32_t chunkBytes, const std::string& secret, std::vector<vtkTrackedDigest>& checksums);

/**
 * The checksum of a chunk list, as the header records it.
 */
vtkTrackedDigest vtkTrackedChecksumList(
  const std::vector<vtkTrackedDigest>& checksums, const std::string& secret);

/**
 * Reads the objects of the payload at [offset, offset + size) of `fd`; each chunk is
 * checked against `checksums` (keyed with `secret`) before any of its bytes is used. With
 * `objects` null, only checks the framing (no XML is parsed). False with `error` on
 * anything damaged or malformed.
 */
bool vtkTrackedReadPayload(int fd, std::uint64_t offset, std::uint64_t size,
  std::uint32_t chunkBytes, const std::vector<vtkTrackedDigest>& checksums,
  const std::string& secret, std::vector<vtkSmartPointer<vtkObject>>* objects, std::string& error);

#endif
