/**
 * @file vtkTrackedDiskEntry.h
 * @brief Private: the file format of vtkTrackedDiskCache entries, parsed as untrusted.
 *
 * An entry file is, all numbers little-endian:
 *
 *     magic "VTKTACE\n"  format version (u32)  header length H (u32, at most 1 MiB)
 *     header (H bytes): created (i64, Unix seconds), compute seconds (f64), payload size
 *       (u64), payload checksum (XXH3-128, 16 bytes), then three texts (u32 length +
 *       bytes): the VTK version that wrote it, the key, the key's digest
 *     header checksum (u64: the low half of the XXH3-128 of everything before it)
 *     payload (exactly the payload size, up to the end of the file)
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
 * Fix-ups restore what the XML formats change: a flag for a point set stored without a
 * points object (u8), and the indices of its unnamed arrays (u32 count, increasing u32
 * indices in vtkTrackedVisitOwnArrays() order), which XML names "Array 0x...".
 *
 * Leaves are VTK's own XML formats (appended raw binary data, optionally compressed by
 * VTK's zlib, LZ4 or LZMA compressor): nothing in an entry is code, and reading one runs
 * VTK's XML readers only on bytes whose checksum matched. Every length and count read is
 * checked against what is left before it is used.
 */

#ifndef vtkTrackedDiskEntry_h
#define vtkTrackedDiskEntry_h

#include "vtkSmartPointer.h"  // for the objects
#include "vtkTrackedDigest.h" // for the checksums

#include <cstdint>    // for sizes
#include <functional> // for the payload reader
#include <string>     // for texts
#include <vector>     // for pieces and objects

class vtkObject;

struct vtkTrackedDiskHeader
{
  static constexpr char Magic[9] = "VTKTACE\n";
  static constexpr std::uint32_t FormatVersion = 1;
  static constexpr std::size_t PrefixBytes = 16; // magic, version, header length
  static constexpr std::uint32_t MaximumHeaderBytes = 1 << 20;

  std::int64_t Created = 0;
  double ComputeSeconds = 0.0;
  std::uint64_t PayloadSize = 0;
  vtkTrackedDigest PayloadChecksum;
  std::string VTKVersion;
  std::string Key;
  std::string Digest;

  /**
   * Prefix, header and header checksum: what precedes the payload.
   */
  std::string Encode() const;

  enum class Status
  {
    Ok,
    NotOurs,       // no magic: not an entry
    FutureVersion, // written by a newer format: left alone
    Corrupt        // truncated, inconsistent or failing its checksum
  };

  /**
   * How many bytes the prefix announces (prefix + header + checksum), from the first
   * PrefixBytes of a file; Corrupt / NotOurs / FutureVersion when they cannot be trusted.
   */
  static Status Measure(const char* prefix, std::size_t size, std::size_t& headerBytes);

  /**
   * Parses `bytes` (exactly the size Measure() gave), checks the header checksum.
   */
  static Status Decode(
    const char* bytes, std::size_t size, vtkTrackedDiskHeader& header, std::string& error);
};

/**
 * Encodes objects (data objects of the types vtkTrackedDiskEntry handles, composite
 * trees of them, arrays) into payload pieces, whose concatenation is the payload. XML
 * compression: 0 none, 1 zlib, 2 LZ4, 3 LZMA, with a level from 1 to 9. False with `error`
 * for an object it cannot store.
 */
bool vtkTrackedEncodePayload(const std::vector<vtkObject*>& objects, int compression, int level,
  std::vector<std::string>& pieces, std::string& error);

/**
 * Decodes a payload read by `read(buffer, count)` (which fills `count` bytes and returns
 * false past the end): the framing is checked as it is read, XML leaves are collected, and
 * none is parsed before `verified()` says the whole payload matched its checksum. False
 * with `error` on anything malformed.
 */
bool vtkTrackedDecodePayload(const std::function<bool(char*, std::size_t)>& read,
  std::uint64_t payloadSize, const std::function<bool()>& verified,
  std::vector<vtkSmartPointer<vtkObject>>& objects, std::string& error);

#endif
