// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// The payload encoder of vtkTrackedDiskCache entries (vtkTrackedEntryFormat.h): value
// blocks go out as each array is reached, straight from the array's memory, checksummed
// chunk by chunk on the way; the description is written after them.
#include "vtkTrackedDiskEntry.h"

#include "vtkAbstractArray.h"
#include "vtkBitArray.h"
#include "vtkCellArray.h"
#include "vtkCellData.h"
#include "vtkCompositeDataSet.h"
#include "vtkDataAssembly.h"
#include "vtkDataCompressor.h"
#include "vtkDataSetAttributes.h"
#include "vtkFieldData.h"
#include "vtkImageData.h"
#include "vtkInformation.h"
#include "vtkMatrix3x3.h"
#include "vtkPartitionedDataSetCollection.h"
#include "vtkPointData.h"
#include "vtkPoints.h"
#include "vtkPolyData.h"
#include "vtkRectilinearGrid.h"
#include "vtkSmartPointer.h"
#include "vtkStringArray.h"
#include "vtkStructuredGrid.h"
#include "vtkTable.h"
#include "vtkTrackedDataObjectArrays.h"
#include "vtkTrackedEntryArrays.h"
#include "vtkTrackedEntryFormat.h"
#include "vtkTrackedFileIO.h"
#include "vtkTrackedVTKVersion.h"
#include "vtkUnsignedCharArray.h"
#include "vtkUnstructuredGrid.h"
#include "vtkVariantArray.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iterator>
#include <memory>
#include <new>
#include <vector>

namespace
{
using namespace vtkTrackedEntryFormat;

// Writes the payload at a file offset, checksumming every chunk of it as it goes.
class ChecksummedSink
{
public:
  ChecksummedSink(int fd, std::uint64_t base, std::uint32_t chunkBytes, const std::string& secret,
    std::vector<vtkTrackedDigest>& checksums)
    : Fd(fd)
    , Base(base)
    , ChunkBytes(chunkBytes)
    , Secret(secret)
    , Checksums(checksums)
  {
    this->Checksums.clear();
  }

  bool Write(const void* data, std::uint64_t size)
  {
    const auto* bytes = static_cast<const char*>(data);
    // Piece by piece, each hashed just before it is written, while it is in the caches.
    constexpr std::uint64_t PieceBytes = 256 * 1024;
    for (std::uint64_t done = 0; done < size;)
    {
      const auto piece = static_cast<std::size_t>(std::min(PieceBytes, size - done));
      this->Hash(bytes + done, piece);
      if (!vtkTrackedFileIO::WriteAt(this->Fd, this->Base + this->Position, bytes + done, piece))
      {
        return false;
      }
      done += piece;
      this->Position += piece;
    }
    return true;
  }

  // Zeros up to the next file offset that is a multiple of `alignment`.
  bool Pad(std::uint64_t alignment)
  {
    const std::uint64_t at = (this->Base + this->Position) % alignment;
    static const std::vector<char> zeros(PageBytes, 0);
    return at == 0 || this->Write(zeros.data(), alignment - at);
  }

  // The checksum of the last, partial chunk.
  void Finish()
  {
    if (this->Hasher)
    {
      this->Checksums.push_back(this->Hasher->Digest());
      this->Hasher.reset();
    }
  }

  std::uint64_t GetPosition() const { return this->Position; }

private:
  void Hash(const char* bytes, std::size_t size)
  {
    while (size > 0)
    {
      if (!this->Hasher)
      {
        this->Hasher.reset(new vtkTrackedHasher(this->Secret));
        this->InChunk = 0;
      }
      const std::size_t taken = std::min<std::size_t>(size, this->ChunkBytes - this->InChunk);
      this->Hasher->Add(bytes, taken);
      this->InChunk += taken;
      bytes += taken;
      size -= taken;
      if (this->InChunk == this->ChunkBytes)
      {
        this->Finish();
      }
    }
  }

  int Fd;
  std::uint64_t Base;
  std::uint32_t ChunkBytes;
  const std::string& Secret;
  std::vector<vtkTrackedDigest>& Checksums;
  std::unique_ptr<vtkTrackedHasher> Hasher;
  std::size_t InChunk = 0;
  std::uint64_t Position = 0;
};

vtkSmartPointer<vtkDataCompressor> NewCompressor(int compression, int level)
{
  vtkSmartPointer<vtkDataCompressor> compressor = vtkTrackedEntryFormat::NewCompressor(compression);
  if (compressor)
  {
    compressor->SetCompressionLevel(level);
  }
  return compressor;
}

std::string Named(vtkAbstractArray* array)
{
  return std::string("a ") + array->GetClassName() + " ('" +
    (array->GetName() ? array->GetName() : "") + "')";
}

//------------------------------------------------------------------------------
class Encoder
{
public:
  Encoder(ChecksummedSink& sink, int compression, int level)
    : Sink(sink)
    , Compression(compression)
    , Compressor(NewCompressor(compression, level))
  {
  }

  bool Objects(const std::vector<vtkObject*>& objects, std::string& error)
  {
    this->Description.Value<std::uint32_t>(static_cast<std::uint32_t>(objects.size()));
    for (vtkObject* object : objects)
    {
      if (!this->Object(object, error))
      {
        return false;
      }
    }
    const std::uint64_t at = this->Sink.GetPosition();
    const std::string& description = this->Description.Bytes;
    const std::uint64_t trailer[2] = { at, description.size() };
    if (!this->Sink.Write(description.data(), description.size()) ||
      !this->Sink.Write(trailer, sizeof(trailer)))
    {
      return this->WriteFailed(error);
    }
    this->Sink.Finish();
    return true;
  }

private:
  bool WriteFailed(std::string& error)
  {
    error = "cannot write: " + vtkTrackedFileIO::ErrnoText();
    return false;
  }

  bool Object(vtkObject* object, std::string& error)
  {
    if (auto* array = vtkAbstractArray::SafeDownCast(object))
    {
      this->Description.Value<std::uint8_t>(Array);
      return this->ArrayRecord(array, error);
    }
    auto* data = vtkDataObject::SafeDownCast(object);
    if (object && !data)
    {
      error = std::string("a ") + object->GetClassName() +
        " is neither a vtkDataObject nor a vtkAbstractArray";
      return false;
    }
    return this->Node(data, 0, error);
  }

  bool Node(vtkDataObject* data, int depth, std::string& error)
  {
    if (depth > MaximumDepth)
    {
      error = "a composite tree deeper than " + std::to_string(MaximumDepth) + " levels";
      return false;
    }
    if (!data)
    {
      this->Description.Value<std::uint8_t>(NoObject);
      return true;
    }
    const std::string name = data->GetClassName();
    if (name == "vtkMultiBlockDataSet" || name == "vtkPartitionedDataSet" ||
      name == "vtkPartitionedDataSetCollection")
    {
      return this->Composite(static_cast<vtkCompositeDataSet*>(data), depth, error);
    }
    this->Description.Value<std::uint8_t>(DataObject);
    this->Description.Text(name);
    return this->Fields(data->GetFieldData(), error) && this->Leaf(data, error);
  }

  // A composite node: its kind, field data, a collection's assembly, then its children
  // (with their names, but for partitions).
  bool Composite(vtkCompositeDataSet* composite, int depth, std::string& error)
  {
    using vtkTrackedDataObjectArrays::TreeKind;
    const TreeKind kind = vtkTrackedDataObjectArrays::TreeKindOf(composite);
    this->Description.Value<std::uint8_t>(kind == TreeKind::MultiBlock ? MultiBlock
        : kind == TreeKind::Partitioned                                ? Partitioned
                                                                       : PartitionedCollection);
    if (!this->Fields(composite->GetFieldData(), error))
    {
      return false;
    }
    if (kind == TreeKind::PartitionedCollection)
    {
      vtkDataAssembly* assembly =
        static_cast<vtkPartitionedDataSetCollection*>(composite)->GetDataAssembly();
      this->Description.Text(assembly ? assembly->SerializeToXML(vtkIndent()) : std::string());
    }
    this->Description.Value<std::uint32_t>(
      vtkTrackedDataObjectArrays::NumberOfChildren(composite, kind));
    return vtkTrackedDataObjectArrays::VisitChildren(composite, kind,
      [this, kind, depth, &error](vtkDataObject* child, vtkInformation* metaData)
      {
        if (kind != TreeKind::Partitioned)
        {
          const bool named = metaData && metaData->Has(vtkCompositeDataSet::NAME());
          this->Description.OptionalText(
            named ? metaData->Get(vtkCompositeDataSet::NAME()) : nullptr);
        }
        return this->Node(child, depth + 1, error);
      });
  }

  // The structure of a leaf by its class, then its attributes. Only the classes themselves:
  // a reader makes them by name, and a subclass (vtkUniformGrid, vtkStructuredPoints, ...)
  // holds more than they do.
  bool Leaf(vtkDataObject* data, std::string& error)
  {
    const std::string name = data->GetClassName();
    static const char* const stored[] = { "vtkImageData", "vtkRectilinearGrid", "vtkStructuredGrid",
      "vtkPolyData", "vtkUnstructuredGrid", "vtkTable", "vtkDataObject" };
    if (std::find(std::begin(stored), std::end(stored), name) == std::end(stored))
    {
      error = "a " + name + " cannot be stored on disk";
      return false;
    }
    bool ok = true;
    if (auto* image = vtkImageData::SafeDownCast(data))
    {
      this->Extent(image->GetExtent());
      this->Doubles(image->GetOrigin(), 3);
      this->Doubles(image->GetSpacing(), 3);
      this->Doubles(image->GetDirectionMatrix()->GetData(), 9);
    }
    else if (auto* rectilinear = vtkRectilinearGrid::SafeDownCast(data))
    {
      this->Extent(rectilinear->GetExtent());
      ok = this->OptionalArray(rectilinear->GetXCoordinates(), error) &&
        this->OptionalArray(rectilinear->GetYCoordinates(), error) &&
        this->OptionalArray(rectilinear->GetZCoordinates(), error);
    }
    else if (auto* structured = vtkStructuredGrid::SafeDownCast(data))
    {
      this->Extent(structured->GetExtent());
      ok = this->Points(structured->GetPoints(), error);
    }
    else if (auto* poly = vtkPolyData::SafeDownCast(data))
    {
      ok = this->Points(poly->GetPoints(), error) && this->Cells(poly->GetVerts(), error) &&
        this->Cells(poly->GetLines(), error) && this->Cells(poly->GetPolys(), error) &&
        this->Cells(poly->GetStrips(), error);
    }
    else if (auto* grid = vtkUnstructuredGrid::SafeDownCast(data))
    {
      ok = this->Points(grid->GetPoints(), error) && this->UnstructuredCells(grid, error);
    }
    else if (auto* table = vtkTable::SafeDownCast(data))
    {
      return this->Attributes(table->GetRowData(), error);
    }
    if (auto* dataSet = vtkDataSet::SafeDownCast(data))
    {
      return ok && this->Attributes(dataSet->GetPointData(), error) &&
        this->Attributes(dataSet->GetCellData(), error);
    }
    return ok;
  }

  void Extent(const int* extent)
  {
    for (int i = 0; i < 6; ++i)
    {
      this->Description.Value<std::int32_t>(extent[i]);
    }
  }

  void Doubles(const double* values, int count)
  {
    for (int i = 0; i < count; ++i)
    {
      this->Description.Value<double>(values[i]);
    }
  }

  bool Points(vtkPoints* points, std::string& error)
  {
    return this->OptionalArray(points ? points->GetData() : nullptr, error);
  }

  bool Cells(vtkCellArray* cells, std::string& error)
  {
    this->Description.Value<std::uint8_t>(cells ? 1 : 0);
    return !cells ||
      (this->ArrayRecord(cells->GetOffsetsArray(), error) &&
        this->ArrayRecord(cells->GetConnectivityArray(), error));
  }

  bool UnstructuredCells(vtkUnstructuredGrid* grid, std::string& error)
  {
    if (!this->Cells(grid->GetCells(), error))
    {
      return false;
    }
#if VTK_VERSION_NUMBER >= VTK_VERSION_CHECK(9, 6, 0)
    this->Description.Value<std::uint8_t>(FacesInCellArrays);
    return this->OptionalArray(grid->GetCellTypes(), error) &&
      this->Cells(grid->GetPolyhedronFaces(), error) &&
      this->Cells(grid->GetPolyhedronFaceLocations(), error);
#else
    this->Description.Value<std::uint8_t>(FacesInIdArrays);
    return this->OptionalArray(grid->GetCellTypesArray(), error) &&
      this->OptionalArray(grid->GetFaces(), error) &&
      this->OptionalArray(grid->GetFaceLocations(), error);
#endif
  }

  bool Fields(vtkFieldData* fields, std::string& error)
  {
    const int count = fields ? fields->GetNumberOfArrays() : 0;
    this->Description.Value<std::uint32_t>(static_cast<std::uint32_t>(count));
    for (int i = 0; i < count; ++i)
    {
      vtkAbstractArray* array = fields->GetAbstractArray(i);
      if (!array)
      {
        error = "field data with a null array";
        return false;
      }
      if (!this->ArrayRecord(array, error))
      {
        return false;
      }
    }
    return true;
  }

  bool Attributes(vtkDataSetAttributes* attributes, std::string& error)
  {
    if (!this->Fields(attributes, error))
    {
      return false;
    }
    int indices[vtkDataSetAttributes::NUM_ATTRIBUTES];
    attributes->GetAttributeIndices(indices);
    this->Description.Value<std::uint32_t>(vtkDataSetAttributes::NUM_ATTRIBUTES);
    for (int index : indices)
    {
      this->Description.Value<std::int32_t>(index);
    }
    return true;
  }

  bool OptionalArray(vtkAbstractArray* array, std::string& error)
  {
    this->Description.Value<std::uint8_t>(array ? 1 : 0);
    return !array || this->ArrayRecord(array, error);
  }

  bool ArrayRecord(vtkAbstractArray* array, std::string& error)
  {
    auto* numbers = vtkDataArray::SafeDownCast(array);
    const bool bits = array->GetDataType() == VTK_BIT;
    auto* strings = vtkStringArray::SafeDownCast(array);
    auto* variants = vtkVariantArray::SafeDownCast(array);
    const char* className = vtkTrackedEntryArrays::StoredClassName(array);
    if (!(numbers || strings || variants) || !className)
    {
      error = Named(array) + " cannot be stored on disk: it is neither a data, string nor " +
        "variant array of a standard type";
      return false;
    }
    if (array->GetNumberOfTuples() == 0 && array->GetNumberOfComponents() > MaximumEmptyComponents)
    {
      error = Named(array) + " cannot be stored on disk: an empty array of more than " +
        std::to_string(MaximumEmptyComponents) + " components";
      return false;
    }
    this->Description.Value<std::uint8_t>(bits ? Bits
        : numbers                              ? Numeric
        : strings                              ? Strings
                                               : Variants);
    this->Description.Text(className);
    this->Description.Value<std::int32_t>(array->GetDataType());
    this->Description.OptionalText(array->GetName());
    this->Description.Value<std::int32_t>(array->GetNumberOfComponents());
    this->Description.Value<std::int64_t>(array->GetNumberOfTuples());
    const int names = array->HasAComponentName() ? array->GetNumberOfComponents() : 0;
    this->Description.Value<std::uint32_t>(static_cast<std::uint32_t>(names));
    for (int component = 0; component < names; ++component)
    {
      this->Description.OptionalText(array->GetComponentName(component));
    }
    // Whole tuples: what the description records (a last, partial tuple is left out).
    const vtkIdType values = array->GetNumberOfTuples() * array->GetNumberOfComponents();
    if (bits)
    {
      auto* bitArray = static_cast<vtkBitArray*>(array);
      return this->Block(values > 0 ? bitArray->GetPointer(0) : nullptr, (values + 7) / 8, error);
    }
    if (numbers)
    {
      return this->NumericValues(numbers, values, error);
    }
    std::string packed;
    if (strings ? !PackStrings(strings, values, packed) : !PackVariants(variants, values, packed))
    {
      error = Named(array) +
        " cannot be stored on disk: it holds a value that is not a number "
        "or a string";
      return false;
    }
    return this->Block(packed.data(), packed.size(), error);
  }

  bool NumericValues(vtkDataArray* array, vtkIdType count, std::string& error)
  {
    const auto bytes = static_cast<std::uint64_t>(count) * array->GetDataTypeSize();
    if (bytes == 0)
    {
      return this->Block(nullptr, 0, error);
    }
    if (array->HasStandardMemoryLayout() && !vtkTrackedVTK::IsImplicit(array))
    {
      return this->Block(array->GetVoidPointer(0), bytes, error);
    }
    // SOA, implicit and other layouts are stored as their values: they come back as AOS.
    vtkSmartPointer<vtkDataArray> values =
      vtkSmartPointer<vtkDataArray>::Take(vtkDataArray::CreateDataArray(array->GetDataType()));
    if (!values || !values->HasStandardMemoryLayout())
    {
      error = Named(array) + " cannot be stored on disk: its type has no AOS array";
      return false;
    }
    values->DeepCopy(array);
    if (values->GetNumberOfValues() < count)
    {
      error = Named(array) + " cannot be stored on disk: its values cannot be copied";
      return false;
    }
    return this->Block(values->GetVoidPointer(0), bytes, error);
  }

  static void PackText(const std::string& text, std::string& packed)
  {
    const std::uint64_t length = text.size();
    packed.append(reinterpret_cast<const char*>(&length), sizeof(length));
    packed.append(text);
  }

  static bool PackStrings(vtkStringArray* strings, vtkIdType count, std::string& packed)
  {
    for (vtkIdType i = 0; i < count; ++i)
    {
      PackText(strings->GetValue(i), packed);
    }
    return true;
  }

  static bool PackVariants(vtkVariantArray* variants, vtkIdType count, std::string& packed)
  {
    for (vtkIdType i = 0; i < count; ++i)
    {
      const vtkVariant& value = variants->GetValue(i);
      const std::int32_t type = value.IsValid() ? value.GetType() : 0;
      if (value.IsVTKObject() || value.IsArray())
      {
        return false;
      }
      packed.append(reinterpret_cast<const char*>(&type), sizeof(type));
      if (value.IsString())
      {
        PackText(value.ToString(), packed);
      }
      else if (value.IsFloat() || value.IsDouble())
      {
        const double number = value.ToDouble();
        packed.append(reinterpret_cast<const char*>(&number), sizeof(number));
      }
      else if (value.IsValid())
      {
        const bool isUnsigned = value.IsUnsignedChar() || value.IsUnsignedShort() ||
          value.IsUnsignedInt() || value.IsUnsignedLong() || value.IsUnsignedLongLong();
        const std::uint64_t number =
          isUnsigned ? value.ToTypeUInt64() : static_cast<std::uint64_t>(value.ToTypeInt64());
        packed.append(reinterpret_cast<const char*>(&number), sizeof(number));
      }
    }
    return true;
  }

  // A block of values: written aligned (compressed if asked), recorded in the description.
  bool Block(const void* data, std::uint64_t bytes, std::string& error)
  {
    const bool compressed = this->Compressor && bytes > 0;
    std::uint64_t stored = bytes;
    std::vector<unsigned char> frame;
    if (!this->Sink.Pad(compressed ? LineBytes : Alignment(bytes)))
    {
      return this->WriteFailed(error);
    }
    const std::uint64_t offset = this->Sink.GetPosition();
    if (compressed)
    {
      stored = 0;
      const auto* values = static_cast<const unsigned char*>(data);
      for (std::uint64_t done = 0; done < bytes; done += FrameBytes)
      {
        const auto length = static_cast<std::size_t>(std::min(FrameBytes, bytes - done));
        frame.resize(this->Compressor->GetMaximumCompressionSpace(length));
        const std::uint64_t size =
          this->Compressor->Compress(values + done, length, frame.data(), frame.size());
        if (size == 0)
        {
          error = "the compressor failed";
          return false;
        }
        if (!this->Sink.Write(&size, sizeof(size)) || !this->Sink.Write(frame.data(), size))
        {
          return this->WriteFailed(error);
        }
        stored += sizeof(size) + size;
      }
    }
    else if (bytes > 0 && !this->Sink.Write(data, bytes))
    {
      return this->WriteFailed(error);
    }
    this->Description.Value<std::uint8_t>(
      static_cast<std::uint8_t>(compressed ? this->Compression : 0));
    this->Description.Value<std::uint64_t>(offset);
    this->Description.Value<std::uint64_t>(stored);
    this->Description.Value<std::uint64_t>(bytes);
    return true;
  }

  ChecksummedSink& Sink;
  int Compression;
  vtkSmartPointer<vtkDataCompressor> Compressor;
  ByteWriter Description;
};
}

//------------------------------------------------------------------------------
bool vtkTrackedDiskEntry::WritePayload(int fd, std::uint64_t offset,
  const std::vector<vtkObject*>& objects, int compression, int level, std::uint32_t chunkBytes,
  const std::string& secret, std::uint64_t& size, std::vector<vtkTrackedDigest>& checksums,
  std::string& error)
{
  ChecksummedSink sink(fd, offset, chunkBytes, secret, checksums);
  Encoder encoder(sink, compression, level);
  try
  {
    if (!encoder.Objects(objects, error))
    {
      return false;
    }
  }
  catch (const std::bad_alloc&) // packing strings, copying SOA values, the description
  {
    error = "not enough memory to encode it";
    return false;
  }
  size = sink.GetPosition();
  return true;
}
