// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @file vtkTrackedEntryFormat.h
 * @brief Private: the payload of a vtkTrackedDiskCache entry (format 2): its framing, shared
 * by the encoder and the decoder.
 *
 * A payload is, all numbers little-endian, offsets counted from the payload's start:
 *
 *     value blocks, each at a file offset aligned as Alignment() says (uncompressed blocks
 *       of a page or more on a page, others on 64 bytes): a mapped entry's values are then
 *       aligned in memory too
 *     description (D bytes)
 *     description offset (u64), D (u64)
 *
 * The description is a count of objects (u32), then each object as a node:
 *
 *     node := kind (u8) and what the kind holds:
 *       0 none
 *       1 data object: class name (text), field data, then by class:
 *           vtkImageData: extent (6 i32), origin (3 f64), spacing (3 f64), direction (9 f64)
 *           vtkRectilinearGrid: extent, then the x, y and z coordinates (optional arrays)
 *           vtkStructuredGrid: extent, points
 *           vtkPolyData: points, verts, lines, polys, strips (optional cell arrays)
 *           vtkUnstructuredGrid: points, cells (optional cell array), the face layout (u8:
 *             1 before VTK 9.6, 2 since; a reader of the other refuses the entry), cell types
 *             (optional array), then polyhedron faces and face locations (optional arrays
 *             for layout 1, optional cell arrays for layout 2)
 *           vtkTable: nothing more
 *         and, for data sets, point data and cell data; for tables, row data
 *       2 vtkMultiBlockDataSet, 3 vtkPartitionedDataSet, 4 vtkPartitionedDataSetCollection:
 *         field data, (4 only:) the data assembly as XML (text), a count (u32), then per
 *         child (2 and 4 only:) an optional block name, and the child's node
 *       5 array: an array
 *     field data := count (u32), arrays
 *     attributes := field data, then a count T (u32) of attribute types and T indices
 *       (i32, -1 for none): the active scalars, vectors, normals, ... by array index
 *     points := optional array (a vtkPoints holding it)
 *     cell array := offsets array, connectivity array
 *     optional X := present (u8: 0 or 1), then X if present
 *     text := length (u32), bytes; optional text is an optional of it (a null name)
 *     array := layout (u8: 1 numeric, 2 bit, 3 string, 4 variant), class name (text: one of
 *       vtkTrackedEntryArrays.h), VTK data type (i32), name (optional text), components
 *       (i32), tuples (i64), component names (a count (u32), then optional texts), values
 *       (a block)
 *     block := compressor (u8: 0 none, 1 zlib, 2 LZ4, 3 LZMA), offset (u64), stored bytes
 *       (u64), value bytes (u64); a compressed block is a sequence of frames of at most
 *       FrameBytes value bytes each, every frame its stored size (u64) then its bytes
 *
 * Numeric values are the array's values in tuple-major order, in its own type (tuples x
 * components of them: a last, partial tuple is left out); bit arrays their packed bytes; string
 * values are each a length (u64) and its bytes; variant values each a VTK type (i32) and, for
 * numbers, 8 bytes (i64, u64 or f64), for strings a length (u64) and bytes. Names are any bytes:
 * nothing is parsed as text.
 *
 * @sa
 * vtkTrackedDiskEntry
 */

#ifndef vtkTrackedEntryFormat_h
#define vtkTrackedEntryFormat_h

#include "vtkDataCompressor.h"
#include "vtkLZ4DataCompressor.h"
#include "vtkLZMADataCompressor.h"
#include "vtkSmartPointer.h"
#include "vtkXMLWriterBase.h" // for the compressor numbers
#include "vtkZLibDataCompressor.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

namespace vtkTrackedEntryFormat
{
enum NodeKind : std::uint8_t
{
  NoObject = 0,
  DataObject = 1,
  MultiBlock = 2,
  Partitioned = 3,
  PartitionedCollection = 4,
  Array = 5
};

enum ArrayLayout : std::uint8_t
{
  Numeric = 1,
  Bits = 2,
  Strings = 3,
  Variants = 4
};

// How an unstructured grid's polyhedron faces are kept: VTK before 9.6 in id arrays (faces
// and face locations), since in cell arrays. Each VTK reads its own layout only.
enum FaceLayout : std::uint8_t
{
  FacesInIdArrays = 1,
  FacesInCellArrays = 2
};

// An empty array has at most this many components (one with values has no more than
// values): a decoder allocates per component before it reads any value.
constexpr std::int32_t MaximumEmptyComponents = 1 << 16;

// VTK's compressor of a block's compressor number (vtkXMLWriterBase's numbers, which
// vtkTrackedDiskCache's Compression values are), null for NONE and unknown numbers.
inline vtkSmartPointer<vtkDataCompressor> NewCompressor(int compression)
{
  switch (compression)
  {
    case vtkXMLWriterBase::ZLIB:
      return vtkSmartPointer<vtkZLibDataCompressor>::New();
    case vtkXMLWriterBase::LZ4:
      return vtkSmartPointer<vtkLZ4DataCompressor>::New();
    case vtkXMLWriterBase::LZMA:
      return vtkSmartPointer<vtkLZMADataCompressor>::New();
    default:
      return nullptr;
  }
}

// Composite trees deeper than this are refused: a crafted payload must not exhaust the
// stack.
constexpr int MaximumDepth = 64;

// Compressed blocks are cut into frames of this many value bytes (VTK's compressors take
// sizes that fit an int).
constexpr std::uint64_t FrameBytes = std::uint64_t(1) << 20;

// Uncompressed value blocks of a page or more start on a page (a file offset), so that a
// mapped entry hands them to VTK arrays in place; smaller and compressed ones on a cache
// line, so that small arrays waste little.
constexpr std::uint64_t PageBytes = 4096;
constexpr std::uint64_t LineBytes = 64;
inline std::uint64_t Alignment(std::uint64_t storedBytes)
{
  return storedBytes >= PageBytes ? PageBytes : LineBytes;
}

// The trailer: where the description is and how long.
constexpr std::uint64_t TrailerBytes = 16;

//------------------------------------------------------------------------------
// Little-endian framing of the description.
class ByteWriter
{
public:
  template <typename T>
  void Value(T value)
  {
    static_assert(std::is_trivially_copyable<T>::value, "plain values only");
    this->Bytes.append(reinterpret_cast<const char*>(&value), sizeof(T));
  }
  void Text(const std::string& text)
  {
    this->Value<std::uint32_t>(static_cast<std::uint32_t>(text.size()));
    this->Bytes.append(text);
  }
  void OptionalText(const char* text)
  {
    this->Value<std::uint8_t>(text ? 1 : 0);
    if (text)
    {
      this->Text(text);
    }
  }
  std::string Bytes;
};

// Reads from a span, failing (once, for good) instead of reading past its end.
class SpanReader
{
public:
  SpanReader(const char* data, std::size_t size)
    : Data(data)
    , Size(size)
  {
  }
  template <typename T>
  T Value()
  {
    T value{};
    if (this->Take(sizeof(T)))
    {
      std::memcpy(&value, this->Data + this->Offset - sizeof(T), sizeof(T));
    }
    return value;
  }
  std::string Text() { return this->Bytes(this->Value<std::uint32_t>()); }
  // The next `length` bytes (none past the end).
  std::string Bytes(std::uint64_t length)
  {
    if (length > this->Left() || !this->Take(static_cast<std::size_t>(length)))
    {
      this->Failure = true;
      return std::string();
    }
    return std::string(this->Data + this->Offset - length, static_cast<std::size_t>(length));
  }
  // False for none; `text` holds it otherwise.
  bool OptionalText(std::string& text)
  {
    if (this->Value<std::uint8_t>() == 0)
    {
      return false;
    }
    text = this->Text();
    return true;
  }
  // A count of items taking at least `itemBytes` each: more than what is left fails.
  std::uint32_t Count(std::size_t itemBytes)
  {
    const auto count = this->Value<std::uint32_t>();
    if (count > this->Left() / itemBytes)
    {
      this->Failure = true;
      return 0;
    }
    return count;
  }
  void Fail() { this->Failure = true; }
  bool Failed() const { return this->Failure; }
  std::size_t Left() const { return this->Size - this->Offset; }

private:
  bool Take(std::size_t bytes)
  {
    if (this->Failure || bytes > this->Size - this->Offset)
    {
      this->Failure = true;
      return false;
    }
    this->Offset += bytes;
    return true;
  }
  const char* Data;
  std::size_t Size;
  std::size_t Offset = 0;
  bool Failure = false;
};
}

#endif
