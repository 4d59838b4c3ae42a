// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// The payload decoder of vtkTrackedDiskCache entries (vtkTrackedEntryFormat.h). Every chunk
// is checked against its checksum first, in one pass; then the description is parsed as
// untrusted, each length and count checked against what is left before it is used, and the
// objects are built with uncompressed values lent in place from the entry's bytes.
#include "vtkTrackedDiskEntry.h"

#include "vtkBitArray.h"
#include "vtkCellArray.h"
#include "vtkCellData.h"
#include "vtkCompositeDataSet.h"
#include "vtkDataAssembly.h"
#include "vtkDataCompressor.h"
#include "vtkDataSetAttributes.h"
#include "vtkFieldData.h"
#include "vtkIdTypeArray.h"
#include "vtkImageData.h"
#include "vtkInformation.h"
#include "vtkMultiBlockDataSet.h"
#include "vtkNew.h"
#include "vtkPartitionedDataSet.h"
#include "vtkPartitionedDataSetCollection.h"
#include "vtkPointData.h"
#include "vtkPoints.h"
#include "vtkPolyData.h"
#include "vtkRectilinearGrid.h"
#include "vtkSMPTools.h"
#include "vtkSmartPointer.h"
#include "vtkStringArray.h"
#include "vtkStructuredGrid.h"
#include "vtkTable.h"
#include "vtkTrackedEntryArrays.h"
#include "vtkTrackedEntryBytes.h"
#include "vtkTrackedEntryFormat.h"
#include "vtkTrackedVTKVersion.h"
#include "vtkUnsignedCharArray.h"
#include "vtkUnstructuredGrid.h"
#include "vtkVariantArray.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <limits>
#include <new>
#include <vector>

namespace
{
using namespace vtkTrackedEntryFormat;

// From this size on, a payload's chunks are checked, and a block's frames decompressed, in
// parallel.
constexpr std::uint64_t ParallelBytes = std::uint64_t(8) << 20;

// Whether every chunk matches its checksum. Large payloads are checked on all cores: the
// chunks are independent, and a hit waits for the last one.
bool ChunksMatch(const char* payload, std::uint64_t size, std::uint32_t chunkBytes,
  const std::vector<vtkTrackedDigest>& checksums, const std::string& secret)
{
  if (chunkBytes == 0 || checksums.size() != (size + chunkBytes - 1) / chunkBytes)
  {
    return false;
  }
  std::atomic<bool> match{ true };
  auto check = [payload, size, chunkBytes, &checksums, &secret, &match](
                 vtkIdType first, vtkIdType last)
  {
    for (vtkIdType chunk = first; chunk < last && match.load(std::memory_order_relaxed); ++chunk)
    {
      const std::uint64_t begin = static_cast<std::uint64_t>(chunk) * chunkBytes;
      vtkTrackedHasher hasher(secret);
      hasher.Add(payload + begin,
        static_cast<std::size_t>(std::min<std::uint64_t>(chunkBytes, size - begin)));
      if (hasher.Digest() != checksums[static_cast<std::size_t>(chunk)])
      {
        match = false;
      }
    }
  };
  const auto chunks = static_cast<vtkIdType>(checksums.size());
  if (size >= ParallelBytes)
  {
    vtkSMPTools::For(0, chunks, 1, check);
  }
  else
  {
    check(0, chunks);
  }
  return match;
}

bool IsInteger(int type)
{
  return type != VTK_FLOAT && type != VTK_DOUBLE && type != VTK_BIT;
}

// How many times smaller than its values a block can be, by its compressor: zlib's bound
// (1032), LZ4's (255), and twice what VTK's LZMA makes of zeros (3,692 for a 1 MiB frame).
// A larger claim is refused before anything is allocated for it.
std::uint64_t MaximumRatio(int compression)
{
  switch (compression)
  {
    case 1:
      return 1032;
    case 2:
      return 256;
    case 3:
      return 8192;
    default:
      return 1;
  }
}

// A value from its VTK type and the 8 bytes stored for numbers.
bool MakeVariant(int type, std::uint64_t bits, vtkVariant& value)
{
  double real = 0;
  std::memcpy(&real, &bits, sizeof(real));
  const auto integer = static_cast<std::int64_t>(bits);
  switch (type)
  {
    case VTK_CHAR:
      value = vtkVariant(static_cast<char>(integer));
      return true;
    case VTK_SIGNED_CHAR:
      value = vtkVariant(static_cast<signed char>(integer));
      return true;
    case VTK_UNSIGNED_CHAR:
      value = vtkVariant(static_cast<unsigned char>(bits));
      return true;
    case VTK_SHORT:
      value = vtkVariant(static_cast<short>(integer));
      return true;
    case VTK_UNSIGNED_SHORT:
      value = vtkVariant(static_cast<unsigned short>(bits));
      return true;
    case VTK_INT:
      value = vtkVariant(static_cast<int>(integer));
      return true;
    case VTK_UNSIGNED_INT:
      value = vtkVariant(static_cast<unsigned int>(bits));
      return true;
    case VTK_LONG:
      value = vtkVariant(static_cast<long>(integer));
      return true;
    case VTK_UNSIGNED_LONG:
      value = vtkVariant(static_cast<unsigned long>(bits));
      return true;
    case VTK_LONG_LONG:
      value = vtkVariant(static_cast<long long>(integer));
      return true;
    case VTK_UNSIGNED_LONG_LONG:
      value = vtkVariant(static_cast<unsigned long long>(bits));
      return true;
    case VTK_FLOAT:
      value = vtkVariant(static_cast<float>(real));
      return true;
    case VTK_DOUBLE:
      value = vtkVariant(real);
      return true;
    default:
      return false;
  }
}

//------------------------------------------------------------------------------
class Decoder
{
public:
  Decoder(const std::shared_ptr<vtkTrackedEntryBytes>& bytes, std::uint64_t base,
    std::uint64_t blocksEnd, const char* description, std::uint64_t descriptionBytes)
    : Bytes(bytes)
    , Base(base)
    , BlocksEnd(blocksEnd)
    , Reader(description, static_cast<std::size_t>(descriptionBytes))
  {
  }

  bool Objects(std::vector<vtkSmartPointer<vtkObject>>& objects)
  {
    const std::uint32_t count = this->Reader.Count(1);
    for (std::uint32_t i = 0; i < count && !this->Reader.Failed(); ++i)
    {
      const auto kind = this->Reader.Value<std::uint8_t>();
      objects.emplace_back(kind == Array ? vtkSmartPointer<vtkObject>(this->ArrayRecord())
                                         : vtkSmartPointer<vtkObject>(this->Node(kind, 0)));
    }
    return !this->Reader.Failed() && this->Reader.Left() == 0;
  }

private:
  // Fails the decoding (for good) and gives null.
  std::nullptr_t Fail()
  {
    this->Reader.Fail();
    return nullptr;
  }

  vtkSmartPointer<vtkDataObject> Node(std::uint8_t kind, int depth)
  {
    if (depth > MaximumDepth || this->Reader.Failed())
    {
      return this->Fail();
    }
    switch (kind)
    {
      case NoObject:
        return nullptr;
      case DataObject:
        return this->DataObjectNode();
      case MultiBlock:
      case Partitioned:
      case PartitionedCollection:
        return this->Composite(kind, depth);
      default:
        return this->Fail();
    }
  }

  vtkSmartPointer<vtkDataObject> DataObjectNode()
  {
    const std::string name = this->Reader.Text();
    vtkSmartPointer<vtkDataObject> data = NewDataObject(name);
    if (!data || !this->Fields(data->GetFieldData()) || !this->Leaf(data))
    {
      return this->Fail();
    }
    return data;
  }

  static vtkSmartPointer<vtkDataObject> NewDataObject(const std::string& name)
  {
    if (name == "vtkImageData")
    {
      return vtkSmartPointer<vtkImageData>::New();
    }
    if (name == "vtkRectilinearGrid")
    {
      return vtkSmartPointer<vtkRectilinearGrid>::New();
    }
    if (name == "vtkStructuredGrid")
    {
      return vtkSmartPointer<vtkStructuredGrid>::New();
    }
    if (name == "vtkPolyData")
    {
      return vtkSmartPointer<vtkPolyData>::New();
    }
    if (name == "vtkUnstructuredGrid")
    {
      return vtkSmartPointer<vtkUnstructuredGrid>::New();
    }
    if (name == "vtkTable")
    {
      return vtkSmartPointer<vtkTable>::New();
    }
    if (name == "vtkDataObject")
    {
      return vtkSmartPointer<vtkDataObject>::New();
    }
    return nullptr;
  }

  bool Leaf(vtkDataObject* data)
  {
    bool ok = true;
    if (auto* image = vtkImageData::SafeDownCast(data))
    {
      int extent[6];
      double origin[3], spacing[3], direction[9];
      ok = this->Extent(extent) && this->Doubles(origin, 3) && this->Doubles(spacing, 3) &&
        this->Doubles(direction, 9);
      image->SetExtent(extent);
      image->SetOrigin(origin);
      image->SetSpacing(spacing);
      image->SetDirectionMatrix(direction);
    }
    else if (auto* rectilinear = vtkRectilinearGrid::SafeDownCast(data))
    {
      int extent[6];
      ok = this->Extent(extent);
      rectilinear->SetExtent(extent);
      vtkSmartPointer<vtkDataArray> x, y, z;
      ok = ok && this->OptionalNumbers(x) && this->OptionalNumbers(y) && this->OptionalNumbers(z);
      rectilinear->SetXCoordinates(x);
      rectilinear->SetYCoordinates(y);
      rectilinear->SetZCoordinates(z);
    }
    else if (auto* structured = vtkStructuredGrid::SafeDownCast(data))
    {
      int extent[6];
      ok = this->Extent(extent);
      structured->SetExtent(extent);
      ok = ok && this->Points(structured);
    }
    else if (auto* poly = vtkPolyData::SafeDownCast(data))
    {
      ok = this->Points(poly);
      void (vtkPolyData::*setters[])(vtkCellArray*) = { &vtkPolyData::SetVerts,
        &vtkPolyData::SetLines, &vtkPolyData::SetPolys, &vtkPolyData::SetStrips };
      for (auto setter : setters)
      {
        vtkSmartPointer<vtkCellArray> cells;
        ok = ok && this->Cells(cells);
        if (ok && cells)
        {
          (poly->*setter)(cells);
        }
      }
    }
    else if (auto* grid = vtkUnstructuredGrid::SafeDownCast(data))
    {
      ok = this->Points(grid) && this->UnstructuredCells(grid);
    }
    else if (auto* table = vtkTable::SafeDownCast(data))
    {
      return this->Attributes(table->GetRowData());
    }
    if (auto* dataSet = vtkDataSet::SafeDownCast(data))
    {
      return ok && this->Attributes(dataSet->GetPointData()) &&
        this->Attributes(dataSet->GetCellData());
    }
    return ok;
  }

  // An extent whose spans VTK can count in an int.
  bool Extent(int* extent)
  {
    for (int i = 0; i < 6; ++i)
    {
      extent[i] = this->Reader.Value<std::int32_t>();
    }
    // Each span fits an int, and the number of points a vtkIdType.
    std::uint64_t points = 1;
    bool counted = true;
    for (int axis = 0; axis < 3; ++axis)
    {
      const std::int64_t span = std::int64_t(extent[2 * axis + 1]) - extent[2 * axis];
      const auto size = static_cast<std::uint64_t>(std::max<std::int64_t>(span + 1, 0));
      counted = counted && span >= -1 && span < std::numeric_limits<int>::max() &&
        (size == 0 || points <= (std::uint64_t(1) << 62) / size);
      points *= counted ? size : 0;
    }
    if (!counted)
    {
      extent[0] = 0;
      extent[1] = -1;
    }
    return counted && !this->Reader.Failed();
  }

  bool Doubles(double* values, int count)
  {
    for (int i = 0; i < count; ++i)
    {
      values[i] = this->Reader.Value<double>();
    }
    return !this->Reader.Failed();
  }

  bool Points(vtkPointSet* pointSet)
  {
    vtkSmartPointer<vtkDataArray> values;
    if (!this->OptionalNumbers(values))
    {
      return false;
    }
    if (values)
    {
      if (values->GetNumberOfComponents() != 3)
      {
        return false;
      }
      vtkNew<vtkPoints> points;
      points->SetData(values);
      pointSet->SetPoints(points);
    }
    return true;
  }

  // An offsets and a connectivity array that VTK's cell array takes, offsets starting at 0
  // and ending at the connectivity's size.
  bool Cells(vtkSmartPointer<vtkCellArray>& cells)
  {
    if (this->Reader.Value<std::uint8_t>() == 0)
    {
      return !this->Reader.Failed();
    }
    vtkSmartPointer<vtkDataArray> offsets = this->Numbers();
    vtkSmartPointer<vtkDataArray> connectivity = this->Numbers();
    if (!offsets || !connectivity || offsets->GetNumberOfComponents() != 1 ||
      connectivity->GetNumberOfComponents() != 1 || offsets->GetNumberOfTuples() < 1 ||
      offsets->GetDataType() != connectivity->GetDataType() || !IsInteger(offsets->GetDataType()) ||
      offsets->GetComponent(0, 0) != 0 ||
      offsets->GetComponent(offsets->GetNumberOfTuples() - 1, 0) !=
        static_cast<double>(connectivity->GetNumberOfTuples()))
    {
      return false;
    }
    cells = vtkSmartPointer<vtkCellArray>::New();
    return cells->SetData(offsets, connectivity);
  }

  // Cells, cell types and polyhedron faces, in either face layout: an entry of the other
  // layout than this VTK's is readable when it has no faces (else OtherLayout is set).
  bool UnstructuredCells(vtkUnstructuredGrid* grid)
  {
    vtkSmartPointer<vtkCellArray> cells, faceCells, faceLocationCells;
    vtkSmartPointer<vtkDataArray> types, faceIds, faceLocationIds;
    if (!this->Cells(cells))
    {
      return false;
    }
    const auto layout = this->Reader.Value<std::uint8_t>();
    const bool parsed = this->OptionalNumbers(types) &&
      (layout == FacesInIdArrays
          ? this->OptionalNumbers(faceIds) && this->OptionalNumbers(faceLocationIds)
          : layout == FacesInCellArrays && this->Cells(faceCells) &&
            this->Cells(faceLocationCells));
    const bool faces = faceIds || faceLocationIds || faceCells || faceLocationCells;
    if (!parsed || !cells != !types || (faces && !cells) || !this->TypesAreKnown(types, faces))
    {
      return false;
    }
#if VTK_VERSION_NUMBER >= VTK_VERSION_CHECK(9, 6, 0)
    const std::uint8_t here = FacesInCellArrays;
#else
    const std::uint8_t here = FacesInIdArrays;
#endif
    if (faces && layout != here)
    {
      this->OtherLayout = true;
      return false;
    }
    return !cells ||
      SetCells(grid, types, cells, faceIds, faceLocationIds, faceCells, faceLocationCells);
  }

  // Cell types VTK knows, one per cell, and polyhedra only with faces: VTK walks the
  // connectivity of a polyhedron given without faces as a face stream.
  static bool TypesAreKnown(vtkDataArray* types, bool faces)
  {
    if (!types)
    {
      return true;
    }
    if (types->GetDataType() != VTK_UNSIGNED_CHAR || types->GetNumberOfComponents() != 1)
    {
      return false;
    }
    const auto* type = static_cast<const unsigned char*>(types->GetVoidPointer(0));
    const vtkIdType count = types->GetNumberOfTuples();
    return std::all_of(type, type + count,
      [faces](unsigned char t)
      { return t < VTK_NUMBER_OF_CELL_TYPES && (faces || t != VTK_POLYHEDRON); });
  }

  static bool SetCells(vtkUnstructuredGrid* grid, vtkDataArray* types, vtkCellArray* cells,
    vtkDataArray* faceIds, vtkDataArray* faceLocationIds, vtkCellArray* faceCells,
    vtkCellArray* faceLocationCells)
  {
    if (types->GetNumberOfTuples() != cells->GetNumberOfCells())
    {
      return false;
    }
#if VTK_VERSION_NUMBER >= VTK_VERSION_CHECK(9, 6, 0)
    (void)faceIds;
    (void)faceLocationIds;
    if (!faceCells != !faceLocationCells ||
      (faceLocationCells && faceLocationCells->GetNumberOfCells() != cells->GetNumberOfCells()))
    {
      return false;
    }
    if (faceCells)
    {
      grid->SetPolyhedralCells(types, cells, faceLocationCells, faceCells);
    }
    else
    {
      grid->SetCells(types, cells);
    }
#else
    (void)faceCells;
    (void)faceLocationCells;
    auto* faces = vtkIdTypeArray::SafeDownCast(faceIds);
    auto* faceLocations = vtkIdTypeArray::SafeDownCast(faceLocationIds);
    if (!faceIds != !faces || !faceLocationIds != !faceLocations || !faces != !faceLocations ||
      (faceLocations && faceLocations->GetNumberOfTuples() != cells->GetNumberOfCells()))
    {
      return false;
    }
    auto* cellTypes = vtkUnsignedCharArray::SafeDownCast(types);
    if (!cellTypes)
    {
      return false;
    }
    if (faces)
    {
      grid->SetCells(cellTypes, cells, faceLocations, faces);
    }
    else
    {
      grid->SetCells(cellTypes, cells);
    }
#endif
    return true;
  }

  bool Fields(vtkFieldData* fields)
  {
    const std::uint32_t count = this->Reader.Count(1);
    for (std::uint32_t i = 0; i < count; ++i)
    {
      vtkSmartPointer<vtkAbstractArray> array = this->ArrayRecord();
      if (!array)
      {
        return false;
      }
      fields->AddArray(array);
    }
    // AddArray() replaces an array of the same name: no such pair is ever stored.
    return !this->Reader.Failed() && fields->GetNumberOfArrays() == static_cast<int>(count);
  }

  bool Attributes(vtkDataSetAttributes* attributes)
  {
    if (!this->Fields(attributes))
    {
      return false;
    }
    const std::uint32_t types = this->Reader.Count(sizeof(std::int32_t));
    for (std::uint32_t type = 0; type < types; ++type)
    {
      const auto index = this->Reader.Value<std::int32_t>();
      if (index < -1 || index >= attributes->GetNumberOfArrays())
      {
        return false;
      }
      if (index >= 0 && type < vtkDataSetAttributes::NUM_ATTRIBUTES)
      {
        attributes->SetActiveAttribute(index, static_cast<int>(type));
      }
    }
    return !this->Reader.Failed();
  }

  bool OptionalNumbers(vtkSmartPointer<vtkDataArray>& numbers)
  {
    if (this->Reader.Value<std::uint8_t>() == 0)
    {
      return !this->Reader.Failed();
    }
    numbers = this->Numbers();
    return numbers != nullptr;
  }

  vtkSmartPointer<vtkDataArray> Numbers()
  {
    return vtkDataArray::SafeDownCast(this->ArrayRecord());
  }

  // Where a block's bytes are (within the payload, before the description, after the block
  // before it), with its compressor and sizes.
  struct BlockRecord
  {
    std::uint8_t Compressor = 0;
    std::uint64_t Offset = 0;
    std::uint64_t Stored = 0;
    std::uint64_t Bytes = 0;
  };

  vtkSmartPointer<vtkAbstractArray> ArrayRecord()
  {
    const auto layout = this->Reader.Value<std::uint8_t>();
    const std::string className = this->Reader.Text();
    const auto type = this->Reader.Value<std::int32_t>();
    std::string name;
    const bool named = this->Reader.OptionalText(name);
    const auto components = this->Reader.Value<std::int32_t>();
    const auto tuples = this->Reader.Value<std::int64_t>();
    if (this->Reader.Failed() || components < 1 || tuples < 0 ||
      tuples > std::numeric_limits<vtkIdType>::max() / components)
    {
      return this->Fail();
    }
    // Component names: none, or one (optional) per component.
    const std::uint32_t names = this->Reader.Count(1);
    std::vector<std::pair<bool, std::string>> componentNames(names);
    for (auto& componentName : componentNames)
    {
      componentName.first = this->Reader.OptionalText(componentName.second);
    }
    BlockRecord block;
    const vtkIdType values = tuples * components;
    // Everything is checked before the array allocates anything (VTK allocates per
    // component, then per value).
    if ((names != 0 && names != static_cast<std::uint32_t>(components)) || !this->Block(block) ||
      !FitsTheBlock(layout, type, values, block) ||
      (values == 0 && components > MaximumEmptyComponents))
    {
      return this->Fail();
    }
    vtkSmartPointer<vtkAbstractArray> array = NewArray(layout, className, type);
    if (!array)
    {
      return this->Fail();
    }
    array->SetNumberOfComponents(components);
    if (named)
    {
      array->SetName(name.c_str());
    }
    for (std::uint32_t component = 0; component < names; ++component)
    {
      if (componentNames[component].first)
      {
        array->SetComponentName(component, componentNames[component].second.c_str());
      }
    }
    const bool filled = layout == Numeric
      ? this->NumericValues(static_cast<vtkDataArray*>(array.Get()), values, block)
      : layout == Bits ? this->BitValues(static_cast<vtkBitArray*>(array.Get()), tuples, block)
                       : this->PackedValues(array, values, block);
    if (!filled || this->Reader.Failed() || array->GetNumberOfTuples() != tuples)
    {
      return this->Fail();
    }
    return array;
  }

  // Whether `values` values of `type` in `layout` are what `block` holds: exactly, for
  // numbers and bits; no more than its bytes can hold, for strings and variants.
  static bool FitsTheBlock(
    std::uint8_t layout, int type, vtkIdType values, const BlockRecord& block)
  {
    const auto count = static_cast<std::uint64_t>(values);
    switch (layout)
    {
      case Numeric:
      {
        const auto valueBytes = static_cast<std::uint64_t>(vtkAbstractArray::GetDataTypeSize(type));
        return valueBytes > 0 && block.Bytes % valueBytes == 0 && block.Bytes / valueBytes == count;
      }
      case Bits:
        return block.Bytes == (count + 7) / 8;
      case Strings:
        return count <= block.Bytes / sizeof(std::uint64_t); // a length each
      case Variants:
        return count <= block.Bytes / sizeof(std::int32_t); // a type each
      default:
        return false;
    }
  }

  // An array of the class recorded, if it has the layout recorded.
  static vtkSmartPointer<vtkAbstractArray> NewArray(
    std::uint8_t layout, const std::string& className, int type)
  {
    vtkSmartPointer<vtkAbstractArray> array = vtkTrackedEntryArrays::New(className, type);
    const bool matches = array &&
      (layout == Numeric      ? vtkDataArray::SafeDownCast(array) && type != VTK_BIT
          : layout == Bits    ? type == VTK_BIT
          : layout == Strings ? type == VTK_STRING
                              : layout == Variants && type == VTK_VARIANT);
    return matches ? array : nullptr;
  }

  bool Block(BlockRecord& block)
  {
    block.Compressor = this->Reader.Value<std::uint8_t>();
    block.Offset = this->Reader.Value<std::uint64_t>();
    block.Stored = this->Reader.Value<std::uint64_t>();
    block.Bytes = this->Reader.Value<std::uint64_t>();
    if (this->Reader.Failed() || block.Offset < this->BlocksDone ||
      block.Offset > this->BlocksEnd || block.Stored > this->BlocksEnd - block.Offset ||
      (block.Compressor == 0 && block.Stored != block.Bytes) || block.Compressor > 3 ||
      block.Bytes / FrameBytes > block.Stored / sizeof(std::uint64_t) || // a size per frame
      block.Bytes / MaximumRatio(block.Compressor) > block.Stored)
    {
      return false;
    }
    this->BlocksDone = block.Offset + block.Stored;
    return true;
  }

  const char* At(std::uint64_t offset) const
  {
    return this->Bytes->GetData() + this->Base + offset;
  }

  // The block's values, decompressed if need be, into `destination` (block.Bytes long).
  // Frames are independent: a large block's are decompressed on all cores.
  bool Unpack(const BlockRecord& block, char* destination) const
  {
    if (block.Compressor == 0)
    {
      std::memcpy(destination, this->At(block.Offset), static_cast<std::size_t>(block.Bytes));
      return true;
    }
    std::vector<std::pair<std::uint64_t, std::uint64_t>> frames; // where in the block, size
    std::uint64_t read = 0;
    for (std::uint64_t done = 0; done < block.Bytes; done += FrameBytes)
    {
      std::uint64_t stored = 0;
      if (sizeof(stored) > block.Stored - read)
      {
        return false;
      }
      std::memcpy(&stored, this->At(block.Offset + read), sizeof(stored));
      read += sizeof(stored);
      if (stored > block.Stored - read)
      {
        return false;
      }
      frames.emplace_back(read, stored);
      read += stored;
    }
    if (read != block.Stored)
    {
      return false;
    }
    std::atomic<bool> unpacked{ true };
    const char* stored = this->At(block.Offset);
    auto decompress = [&block, &frames, stored, destination, &unpacked](
                        vtkIdType first, vtkIdType last)
    {
      vtkSmartPointer<vtkDataCompressor> decompressor = NewCompressor(block.Compressor);
      for (vtkIdType frame = first; frame < last && unpacked.load(std::memory_order_relaxed);
           ++frame)
      {
        const std::uint64_t done = static_cast<std::uint64_t>(frame) * FrameBytes;
        const auto length = static_cast<std::size_t>(std::min(FrameBytes, block.Bytes - done));
        const auto& where = frames[static_cast<std::size_t>(frame)];
        if (decompressor->Uncompress(reinterpret_cast<const unsigned char*>(stored + where.first),
              static_cast<std::size_t>(where.second),
              reinterpret_cast<unsigned char*>(destination + done), length) != length)
        {
          unpacked = false;
        }
      }
    };
    const auto count = static_cast<vtkIdType>(frames.size());
    if (block.Bytes >= ParallelBytes)
    {
      vtkSMPTools::For(0, count, 1, decompress);
    }
    else
    {
      decompress(0, count);
    }
    return unpacked;
  }

  bool NumericValues(vtkDataArray* array, vtkIdType values, const BlockRecord& block)
  {
    if (values == 0)
    {
      return true;
    }
    if (block.Compressor == 0 && this->Bytes->Lend(this->Base + block.Offset, values, array))
    {
      return true;
    }
    return Allocate(array, values / array->GetNumberOfComponents()) &&
      this->Unpack(block, static_cast<char*>(array->GetVoidPointer(0)));
  }

  // Whether `tuples` tuples could be allocated (VTK allocates none, or throws
  // std::bad_alloc, which vtkTrackedDiskEntry::ReadPayload() catches).
  static bool Allocate(vtkAbstractArray* array, vtkIdType tuples)
  {
    array->SetNumberOfTuples(tuples);
    return array->GetNumberOfTuples() == tuples;
  }

  bool BitValues(vtkBitArray* array, vtkIdType tuples, const BlockRecord& block)
  {
    if (tuples == 0)
    {
      return true;
    }
    return Allocate(array, tuples) &&
      this->Unpack(block, reinterpret_cast<char*>(array->GetPointer(0)));
  }

  // Strings and variants: unpacked, then parsed value by value.
  bool PackedValues(vtkAbstractArray* array, vtkIdType values, const BlockRecord& block)
  {
    std::vector<char> packed(static_cast<std::size_t>(block.Bytes));
    if (!packed.empty() && !this->Unpack(block, packed.data()))
    {
      return false;
    }
    SpanReader reader(packed.data(), packed.size());
    auto* strings = vtkStringArray::SafeDownCast(array);
    auto* variants = vtkVariantArray::SafeDownCast(array);
    array->SetNumberOfValues(values);
    for (vtkIdType i = 0; i < values && !reader.Failed(); ++i)
    {
      if (strings)
      {
        strings->SetValue(i, LongText(reader));
        continue;
      }
      const auto type = reader.Value<std::int32_t>();
      vtkVariant value;
      if (type == VTK_STRING)
      {
        value = vtkVariant(vtkStdString(LongText(reader)));
      }
      else if (type != 0 && !MakeVariant(type, reader.Value<std::uint64_t>(), value))
      {
        return false;
      }
      variants->SetValue(i, value);
    }
    return !reader.Failed() && reader.Left() == 0;
  }

  static std::string LongText(SpanReader& reader)
  {
    return reader.Bytes(reader.Value<std::uint64_t>());
  }

  vtkSmartPointer<vtkDataObject> Composite(std::uint8_t kind, int depth)
  {
    vtkSmartPointer<vtkCompositeDataSet> composite;
    if (kind == MultiBlock)
    {
      composite = vtkSmartPointer<vtkMultiBlockDataSet>::New();
    }
    else if (kind == Partitioned)
    {
      composite = vtkSmartPointer<vtkPartitionedDataSet>::New();
    }
    else
    {
      composite = vtkSmartPointer<vtkPartitionedDataSetCollection>::New();
    }
    if (!this->Fields(composite->GetFieldData()))
    {
      return this->Fail();
    }
    std::string assembly;
    if (kind == PartitionedCollection)
    {
      assembly = this->Reader.Text();
    }
    const std::uint32_t count = this->Reader.Count(1);
    for (std::uint32_t i = 0; i < count && !this->Reader.Failed(); ++i)
    {
      std::string name;
      const bool named = kind != Partitioned && this->Reader.OptionalText(name);
      vtkSmartPointer<vtkDataObject> child =
        this->Node(this->Reader.Value<std::uint8_t>(), depth + 1);
      if (this->Reader.Failed() || !SetChild(composite, i, child, named ? &name : nullptr))
      {
        return this->Fail();
      }
    }
    if (!assembly.empty())
    {
      vtkNew<vtkDataAssembly> parsed;
      if (!parsed->InitializeFromXML(assembly.c_str()))
      {
        return this->Fail();
      }
      static_cast<vtkPartitionedDataSetCollection*>(composite.Get())->SetDataAssembly(parsed);
    }
    return composite;
  }

  static bool SetChild(
    vtkCompositeDataSet* composite, unsigned int i, vtkDataObject* child, const std::string* name)
  {
    vtkInformation* metaData = nullptr;
    if (auto* blocks = vtkMultiBlockDataSet::SafeDownCast(composite))
    {
      blocks->SetBlock(i, child);
      metaData = name ? blocks->GetMetaData(i) : nullptr;
    }
    else if (auto* collection = vtkPartitionedDataSetCollection::SafeDownCast(composite))
    {
      auto* partitioned = vtkPartitionedDataSet::SafeDownCast(child);
      if (child && !partitioned)
      {
        return false;
      }
      collection->SetPartitionedDataSet(i, partitioned);
      metaData = name ? collection->GetMetaData(i) : nullptr;
    }
    else
    {
      static_cast<vtkPartitionedDataSet*>(composite)->SetPartition(i, child);
    }
    if (metaData)
    {
      metaData->Set(vtkCompositeDataSet::NAME(), name->c_str());
    }
    return true;
  }

  const std::shared_ptr<vtkTrackedEntryBytes>& Bytes;
  std::uint64_t Base;      // where the payload starts in the bytes
  std::uint64_t BlocksEnd; // where the description starts, from the payload's start
  std::uint64_t BlocksDone = 0;
  SpanReader Reader;

public:
  bool OtherLayout = false; // polyhedron faces kept as another VTK keeps them
};
}

//------------------------------------------------------------------------------
vtkTrackedPayloadStatus vtkTrackedDiskEntry::ReadPayload(
  const std::shared_ptr<vtkTrackedEntryBytes>& bytes, std::uint64_t offset, std::uint64_t size,
  std::uint32_t chunkBytes, const std::vector<vtkTrackedDigest>& checksums,
  const std::string& secret, std::vector<vtkSmartPointer<vtkObject>>& objects, std::string& error)
{
  objects.clear();
  if (offset > bytes->GetSize() || size > bytes->GetSize() - offset)
  {
    error = "a payload beyond the end of the entry";
    return vtkTrackedPayloadStatus::Damaged;
  }
  const char* payload = bytes->GetData() + offset;
  if (!ChunksMatch(payload, size, chunkBytes, checksums, secret))
  {
    error = "a payload chunk that fails its checksum";
    return vtkTrackedPayloadStatus::Damaged;
  }
  std::uint64_t trailer[2] = { 0, 0 };
  if (size >= TrailerBytes)
  {
    std::memcpy(trailer, payload + size - TrailerBytes, TrailerBytes);
  }
  const std::uint64_t descriptionAt = trailer[0];
  const std::uint64_t descriptionBytes = trailer[1];
  if (size < TrailerBytes || descriptionAt > size - TrailerBytes ||
    descriptionBytes != size - TrailerBytes - descriptionAt)
  {
    error = "a damaged payload";
    return vtkTrackedPayloadStatus::Damaged;
  }
  Decoder decoder(bytes, offset, descriptionAt, payload + descriptionAt, descriptionBytes);
  bool decoded = false;
  try
  {
    decoded = decoder.Objects(objects);
  }
  catch (const std::bad_alloc&)
  {
    objects.clear();
    error = "not enough memory for its arrays";
    return vtkTrackedPayloadStatus::OutOfMemory;
  }
  if (!decoded)
  {
    objects.clear();
    error = decoder.OtherLayout ? "its polyhedron faces are kept as another VTK version keeps them"
                                : "a damaged payload";
    return decoder.OtherLayout ? vtkTrackedPayloadStatus::OtherLayout
                               : vtkTrackedPayloadStatus::Damaged;
  }
  return vtkTrackedPayloadStatus::Ok;
}
