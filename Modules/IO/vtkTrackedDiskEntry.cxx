#include "vtkTrackedDiskEntry.h"

#include "vtkAbstractArray.h"
#include "vtkCallbackCommand.h"
#include "vtkCommand.h"
#include "vtkCompositeDataSet.h"
#include "vtkDataAssembly.h"
#include "vtkFieldData.h"
#include "vtkImageData.h"
#include "vtkInformation.h"
#include "vtkMultiBlockDataSet.h"
#include "vtkNew.h"
#include "vtkPartitionedDataSet.h"
#include "vtkPartitionedDataSetCollection.h"
#include "vtkPointSet.h"
#include "vtkPoints.h"
#include "vtkPolyData.h"
#include "vtkRectilinearGrid.h"
#include "vtkStructuredGrid.h"
#include "vtkTable.h"
#include "vtkTrackedDataObjectArrays.h"
#include "vtkUnstructuredGrid.h"
#include "vtkXMLImageDataReader.h"
#include "vtkXMLImageDataWriter.h"
#include "vtkXMLPolyDataReader.h"
#include "vtkXMLPolyDataWriter.h"
#include "vtkXMLRectilinearGridReader.h"
#include "vtkXMLRectilinearGridWriter.h"
#include "vtkXMLStructuredGridReader.h"
#include "vtkXMLStructuredGridWriter.h"
#include "vtkXMLTableReader.h"
#include "vtkXMLTableWriter.h"
#include "vtkXMLUnstructuredGridReader.h"
#include "vtkXMLUnstructuredGridWriter.h"

#include <cstring>
#include <functional>
#include <memory>

constexpr char vtkTrackedDiskHeader::Magic[9];

namespace
{
enum NodeKind : std::uint8_t
{
  NoObject = 0,
  Leaf = 1,
  MultiBlock = 2,
  Partitioned = 3,
  PartitionedCollection = 4,
  Array = 5
};

// Composite trees deeper than this are refused: a crafted payload must not exhaust the
// stack.
constexpr int MaximumDepth = 64;

//------------------------------------------------------------------------------
// Little-endian framing.
class ByteWriter
{
public:
  template <typename T>
  void Value(T value)
  {
    static_assert(std::is_trivially_copyable<T>::value, "plain values only");
    const auto* bytes = reinterpret_cast<const char*>(&value);
    this->Bytes.append(bytes, sizeof(T));
  }
  void Text(const std::string& text)
  {
    this->Value<std::uint32_t>(static_cast<std::uint32_t>(text.size()));
    this->Bytes.append(text);
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
  std::string Text()
  {
    const auto length = this->Value<std::uint32_t>();
    if (!this->Take(length))
    {
      return std::string();
    }
    return std::string(this->Data + this->Offset - length, length);
  }
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

std::uint64_t HeaderChecksum(const char* bytes, std::size_t size)
{
  vtkTrackedHasher hasher;
  hasher.Add(bytes, size);
  return hasher.Digest().Low;
}

//------------------------------------------------------------------------------
// XML leaves.
template <typename Writer>
std::unique_ptr<vtkXMLWriter, void (*)(vtkXMLWriter*)> MakeWriter()
{
  return { Writer::New(), [](vtkXMLWriter* writer) { writer->Delete(); } };
}

std::unique_ptr<vtkXMLWriter, void (*)(vtkXMLWriter*)> WriterFor(vtkDataObject* object)
{
  const std::string name = object->GetClassName();
  if (name == "vtkPolyData")
  {
    return MakeWriter<vtkXMLPolyDataWriter>();
  }
  if (name == "vtkUnstructuredGrid")
  {
    return MakeWriter<vtkXMLUnstructuredGridWriter>();
  }
  if (name == "vtkImageData")
  {
    return MakeWriter<vtkXMLImageDataWriter>();
  }
  if (name == "vtkRectilinearGrid")
  {
    return MakeWriter<vtkXMLRectilinearGridWriter>();
  }
  if (name == "vtkStructuredGrid")
  {
    return MakeWriter<vtkXMLStructuredGridWriter>();
  }
  if (name == "vtkTable")
  {
    return MakeWriter<vtkXMLTableWriter>();
  }
  return { nullptr, [](vtkXMLWriter*) {} };
}

// Grants access to the string a vtkXMLReader reads from, so that a leaf is moved in
// rather than copied (an entry's leaf may be hundreds of megabytes).
struct ReaderInput : vtkXMLReader
{
  static std::string& Of(vtkXMLReader* reader) { return reader->*(&ReaderInput::InputString); }
};

vtkSmartPointer<vtkXMLReader> ReaderFor(const std::string& className)
{
  if (className == "vtkPolyData")
  {
    return vtkSmartPointer<vtkXMLPolyDataReader>::New();
  }
  if (className == "vtkUnstructuredGrid")
  {
    return vtkSmartPointer<vtkXMLUnstructuredGridReader>::New();
  }
  if (className == "vtkImageData")
  {
    return vtkSmartPointer<vtkXMLImageDataReader>::New();
  }
  if (className == "vtkRectilinearGrid")
  {
    return vtkSmartPointer<vtkXMLRectilinearGridReader>::New();
  }
  if (className == "vtkStructuredGrid")
  {
    return vtkSmartPointer<vtkXMLStructuredGridReader>::New();
  }
  if (className == "vtkTable")
  {
    return vtkSmartPointer<vtkXMLTableReader>::New();
  }
  return nullptr;
}

// What VTK's XML formats do not keep exactly, restored after reading: unnamed arrays
// come back named "Array 0x..." (points: "Points"), and a point set without a points
// object cannot be read back without an error.
struct LeafFixUps
{
  bool NoPoints = false;
  std::vector<std::uint32_t> Unnamed; // indices in vtkTrackedVisitOwnArrays() order
};

bool WriteLeaf(vtkDataObject* object, int compression, int level, std::string& xml,
  LeafFixUps& fixUps, std::string& error)
{
  auto writer = WriterFor(object);
  if (!writer)
  {
    error = std::string("a ") + object->GetClassName() + " cannot be stored on disk";
    return false;
  }
  vtkSmartPointer<vtkDataObject> written = object;
  auto* pointSet = vtkPointSet::SafeDownCast(object);
  if (pointSet && !pointSet->GetPoints())
  {
    fixUps.NoPoints = true;
    written = vtkSmartPointer<vtkDataObject>::Take(object->NewInstance());
    written->ShallowCopy(object);
    vtkNew<vtkPoints> none;
    vtkPointSet::SafeDownCast(written)->SetPoints(none);
  }
  std::uint32_t index = 0;
  vtkTrackedVisitOwnArrays(written,
    [&](const char*, int, vtkAbstractArray* array)
    {
      if (!array->GetName())
      {
        fixUps.Unnamed.push_back(index);
      }
      ++index;
    });
  writer->SetInputData(written);
  writer->SetWriteToOutputString(true);
  writer->SetDataModeToAppended();
  writer->EncodeAppendedDataOff();
  writer->SetHeaderTypeToUInt64();
  writer->SetCompressorType(compression);
  if (compression != vtkXMLWriterBase::NONE)
  {
    writer->SetCompressionLevel(level);
  }
  if (!writer->Write())
  {
    error = std::string("VTK's XML writer failed on a ") + object->GetClassName();
    return false;
  }
  xml = writer->GetOutputString();
  return true;
}

// Reads one XML leaf, which must come out as `className`; errors the reader reports make
// it fail.
vtkSmartPointer<vtkDataObject> ReadLeaf(
  const std::string& className, std::string& xml, const LeafFixUps& fixUps, std::string& error)
{
  vtkSmartPointer<vtkXMLReader> reader = ReaderFor(className);
  if (!reader)
  {
    error = "a stored " + className + " has no reader";
    return nullptr;
  }
  bool failed = false;
  vtkNew<vtkCallbackCommand> onError;
  onError->SetClientData(&failed);
  onError->SetCallback(
    [](vtkObject*, unsigned long, void* flag, void*) { *static_cast<bool*>(flag) = true; });
  const unsigned long tag = reader->AddObserver(vtkCommand::ErrorEvent, onError);
  reader->ReadFromInputStringOn();
  std::swap(ReaderInput::Of(reader), xml);
  reader->Update();
  reader->RemoveObserver(tag);
  vtkSmartPointer<vtkDataObject> output = reader->GetOutputDataObject(0);
  if (failed || !output || className != output->GetClassName())
  {
    error = "a stored " + className + " could not be read back";
    return nullptr;
  }
  std::uint32_t index = 0;
  std::size_t next = 0;
  vtkTrackedVisitOwnArrays(output,
    [&](const char*, int, vtkAbstractArray* array)
    {
      if (next < fixUps.Unnamed.size() && fixUps.Unnamed[next] == index)
      {
        array->SetName(nullptr);
        ++next;
      }
      ++index;
    });
  if (next != fixUps.Unnamed.size())
  {
    error = "a stored " + className + " came back with other arrays";
    return nullptr;
  }
  if (fixUps.NoPoints)
  {
    vtkPointSet::SafeDownCast(output)->SetPoints(nullptr);
  }
  return output;
}

//------------------------------------------------------------------------------
// Encoding.
class Encoder
{
public:
  Encoder(int compression, int level, std::vector<std::string>& pieces)
    : Compression(compression)
    , Level(level)
    , Pieces(pieces)
  {
  }

  bool Object(vtkObject* object, std::string& error)
  {
    if (!object)
    {
      this->Framing.Value<std::uint8_t>(NoObject);
      return true;
    }
    if (auto* array = vtkAbstractArray::SafeDownCast(object))
    {
      vtkNew<vtkTable> holder;
      holder->AddColumn(array);
      this->Framing.Value<std::uint8_t>(Array);
      this->Framing.Text(std::to_string(array->GetDataType())); // its layout may change
      return this->LeafBytes(holder, error);
    }
    auto* data = vtkDataObject::SafeDownCast(object);
    if (!data)
    {
      error = std::string("a ") + object->GetClassName() +
        " is neither a vtkDataObject nor a vtkAbstractArray";
      return false;
    }
    return this->Node(data, 0, error);
  }

  // Ends the payload: the framing still pending becomes the last piece.
  void Finish() { this->Flush(); }

private:
  bool Node(vtkDataObject* data, int depth, std::string& error)
  {
    if (depth > MaximumDepth)
    {
      error = "a composite tree deeper than " + std::to_string(MaximumDepth) + " levels";
      return false;
    }
    if (!data)
    {
      this->Framing.Value<std::uint8_t>(NoObject);
      return true;
    }
    const std::string name = data->GetClassName();
    if (name == "vtkMultiBlockDataSet")
    {
      auto* blocks = static_cast<vtkMultiBlockDataSet*>(data);
      this->Framing.Value<std::uint8_t>(MultiBlock);
      return this->Children(
        blocks->GetNumberOfBlocks(), [&](unsigned int i) { return blocks->GetBlock(i); },
        [&](unsigned int i) { return blocks->HasMetaData(i) ? blocks->GetMetaData(i) : nullptr; },
        depth, error);
    }
    if (name == "vtkPartitionedDataSet")
    {
      auto* partitions = static_cast<vtkPartitionedDataSet*>(data);
      this->Framing.Value<std::uint8_t>(Partitioned);
      this->Framing.Value<std::uint32_t>(partitions->GetNumberOfPartitions());
      for (unsigned int i = 0; i < partitions->GetNumberOfPartitions(); ++i)
      {
        if (!this->Node(partitions->GetPartitionAsDataObject(i), depth + 1, error))
        {
          return false;
        }
      }
      return true;
    }
    if (name == "vtkPartitionedDataSetCollection")
    {
      auto* collection = static_cast<vtkPartitionedDataSetCollection*>(data);
      this->Framing.Value<std::uint8_t>(PartitionedCollection);
      vtkDataAssembly* assembly = collection->GetDataAssembly();
      this->Framing.Text(assembly ? assembly->SerializeToXML(vtkIndent()) : std::string());
      return this->Children(
        collection->GetNumberOfPartitionedDataSets(),
        [&](unsigned int i) { return collection->GetPartitionedDataSet(i); },
        [&](unsigned int i)
        { return collection->HasMetaData(i) ? collection->GetMetaData(i) : nullptr; },
        depth, error);
    }
    this->Framing.Value<std::uint8_t>(Leaf);
    this->Framing.Text(name);
    return this->LeafBytes(data, error);
  }

  template <typename GetChild, typename GetMetaData>
  bool Children(
    unsigned int count, GetChild&& child, GetMetaData&& metaData, int depth, std::string& error)
  {
    this->Framing.Value<std::uint32_t>(count);
    for (unsigned int i = 0; i < count; ++i)
    {
      vtkInformation* info = metaData(i);
      const bool named = info && info->Has(vtkCompositeDataSet::NAME());
      this->Framing.Value<std::uint8_t>(named ? 1 : 0);
      if (named)
      {
        this->Framing.Text(info->Get(vtkCompositeDataSet::NAME()));
      }
      if (!this->Node(child(i), depth + 1, error))
      {
        return false;
      }
    }
    return true;
  }

  // The fix-ups, then the XML of a leaf as a piece of its own (no copy into the framing).
  bool LeafBytes(vtkDataObject* data, std::string& error)
  {
    std::string xml;
    LeafFixUps fixUps;
    if (!WriteLeaf(data, this->Compression, this->Level, xml, fixUps, error))
    {
      return false;
    }
    this->Framing.Value<std::uint8_t>(fixUps.NoPoints ? 1 : 0);
    this->Framing.Value<std::uint32_t>(static_cast<std::uint32_t>(fixUps.Unnamed.size()));
    for (std::uint32_t index : fixUps.Unnamed)
    {
      this->Framing.Value<std::uint32_t>(index);
    }
    this->Framing.Value<std::uint64_t>(xml.size());
    this->Flush();
    this->Pieces.push_back(std::move(xml));
    return true;
  }

  void Flush()
  {
    if (!this->Framing.Bytes.empty())
    {
      this->Pieces.push_back(std::move(this->Framing.Bytes));
      this->Framing.Bytes.clear();
    }
  }

  int Compression;
  int Level;
  std::vector<std::string>& Pieces;
  ByteWriter Framing;
};

//------------------------------------------------------------------------------
// Decoding: the framing is parsed as it is read; leaves are parsed only after the whole
// payload is known to match its checksum.
struct PendingNode
{
  std::uint8_t Kind = NoObject;
  std::string ClassName;
  LeafFixUps FixUps;
  std::string Xml;
  std::string Assembly;
  std::vector<std::pair<std::unique_ptr<std::string>, PendingNode>> Children; // name, node
};

class Decoder
{
public:
  Decoder(const std::function<bool(char*, std::size_t)>& read, std::uint64_t size)
    : Read(read)
    , Left(size)
  {
  }

  template <typename T>
  bool Value(T& value)
  {
    if (sizeof(T) > this->Left || !this->Read(reinterpret_cast<char*>(&value), sizeof(T)))
    {
      return false;
    }
    this->Left -= sizeof(T);
    return true;
  }

  bool Bytes(std::string& bytes, std::uint64_t length)
  {
    if (length > this->Left)
    {
      return false;
    }
    bytes.resize(static_cast<std::size_t>(length));
    if (length > 0 && !this->Read(&bytes[0], bytes.size()))
    {
      return false;
    }
    this->Left -= length;
    return true;
  }

  bool Text(std::string& text)
  {
    std::uint32_t length = 0;
    return this->Value(length) && this->Bytes(text, length);
  }

  bool Node(PendingNode& node, int depth)
  {
    if (depth > MaximumDepth || !this->Value(node.Kind))
    {
      return false;
    }
    switch (node.Kind)
    {
      case NoObject:
        return true;
      case Leaf:
      case Array:
      {
        std::uint8_t noPoints = 0;
        std::uint32_t unnamed = 0;
        if (!this->Text(node.ClassName) || !this->Value(noPoints) || !this->Value(unnamed) ||
          unnamed > this->Left / sizeof(std::uint32_t))
        {
          return false;
        }
        node.FixUps.NoPoints = noPoints != 0;
        auto& indices = node.FixUps.Unnamed;
        indices.resize(unnamed);
        for (std::size_t i = 0; i < indices.size(); ++i)
        {
          // Increasing, as they were written: ReadLeaf() walks them in order.
          if (!this->Value(indices[i]) || (i > 0 && indices[i] <= indices[i - 1]))
          {
            return false;
          }
        }
        std::uint64_t length = 0;
        return this->Value(length) && this->Bytes(node.Xml, length);
      }
      case PartitionedCollection:
        if (!this->Text(node.Assembly))
        {
          return false;
        }
        return this->Children(node, depth, /*named=*/true);
      case MultiBlock:
        return this->Children(node, depth, /*named=*/true);
      case Partitioned:
        return this->Children(node, depth, /*named=*/false);
      default:
        return false;
    }
  }

  std::uint64_t Remaining() const { return this->Left; }

private:
  bool Children(PendingNode& node, int depth, bool named)
  {
    std::uint32_t count = 0;
    // Each child takes at least one byte: a larger count cannot be honest.
    if (!this->Value(count) || count > this->Left)
    {
      return false;
    }
    node.Children.resize(count);
    for (auto& child : node.Children)
    {
      std::uint8_t hasName = 0;
      if (named && !this->Value(hasName))
      {
        return false;
      }
      if (hasName)
      {
        child.first.reset(new std::string);
        if (!this->Text(*child.first))
        {
          return false;
        }
      }
      if (!this->Node(child.second, depth + 1))
      {
        return false;
      }
    }
    return true;
  }

  const std::function<bool(char*, std::size_t)>& Read;
  std::uint64_t Left;
};

void SetName(vtkCompositeDataSet* parent, unsigned int index, const std::string* name,
  vtkInformation* (*metaData)(vtkCompositeDataSet*, unsigned int))
{
  if (name)
  {
    metaData(parent, index)->Set(vtkCompositeDataSet::NAME(), name->c_str());
  }
}

vtkSmartPointer<vtkObject> Build(PendingNode& node, std::string& error)
{
  switch (node.Kind)
  {
    case NoObject:
      return nullptr;
    case Leaf:
      return ReadLeaf(node.ClassName, node.Xml, node.FixUps, error);
    case Array:
    {
      vtkSmartPointer<vtkDataObject> holder = ReadLeaf("vtkTable", node.Xml, node.FixUps, error);
      auto* table = vtkTable::SafeDownCast(holder);
      vtkAbstractArray* array =
        table && table->GetNumberOfColumns() == 1 ? table->GetColumn(0) : nullptr;
      if (!array || node.ClassName != std::to_string(array->GetDataType()))
      {
        error = "a stored " + node.ClassName + " could not be read back";
        return nullptr;
      }
      return array;
    }
    default:
      break;
  }
  // Composite: children first; a child that fails fails the whole.
  std::vector<vtkSmartPointer<vtkDataObject>> children;
  for (auto& child : node.Children)
  {
    vtkSmartPointer<vtkObject> built = Build(child.second, error);
    if (!error.empty())
    {
      return nullptr;
    }
    auto* data = vtkDataObject::SafeDownCast(built);
    if (built && !data)
    {
      error = "a composite holds something that is not a data object";
      return nullptr;
    }
    children.emplace_back(data);
  }
  const auto count = static_cast<unsigned int>(children.size());
  if (node.Kind == MultiBlock)
  {
    auto blocks = vtkSmartPointer<vtkMultiBlockDataSet>::New();
    blocks->SetNumberOfBlocks(count);
    for (unsigned int i = 0; i < count; ++i)
    {
      blocks->SetBlock(i, children[i]);
      SetName(blocks, i, node.Children[i].first.get(),
        [](vtkCompositeDataSet* parent, unsigned int index)
        { return static_cast<vtkMultiBlockDataSet*>(parent)->GetMetaData(index); });
    }
    return blocks;
  }
  if (node.Kind == Partitioned)
  {
    auto partitions = vtkSmartPointer<vtkPartitionedDataSet>::New();
    partitions->SetNumberOfPartitions(count);
    for (unsigned int i = 0; i < count; ++i)
    {
      partitions->SetPartition(i, children[i]);
    }
    return partitions;
  }
  auto collection = vtkSmartPointer<vtkPartitionedDataSetCollection>::New();
  collection->SetNumberOfPartitionedDataSets(count);
  for (unsigned int i = 0; i < count; ++i)
  {
    auto* partitioned = vtkPartitionedDataSet::SafeDownCast(children[i]);
    if (children[i] && !partitioned)
    {
      error = "a partitioned collection holds something other than partitioned data sets";
      return nullptr;
    }
    collection->SetPartitionedDataSet(i, partitioned);
    SetName(collection, i, node.Children[i].first.get(),
      [](vtkCompositeDataSet* parent, unsigned int index)
      { return static_cast<vtkPartitionedDataSetCollection*>(parent)->GetMetaData(index); });
  }
  if (!node.Assembly.empty())
  {
    vtkNew<vtkDataAssembly> assembly;
    if (!assembly->InitializeFromXML(node.Assembly.c_str()))
    {
      error = "a stored data assembly could not be read back";
      return nullptr;
    }
    collection->SetDataAssembly(assembly);
  }
  return collection;
}
}

//------------------------------------------------------------------------------
std::string vtkTrackedDiskHeader::Encode() const
{
  ByteWriter header;
  header.Value<std::int64_t>(this->Created);
  header.Value<double>(this->ComputeSeconds);
  header.Value<std::uint64_t>(this->PayloadSize);
  header.Value<std::uint64_t>(this->PayloadChecksum.High);
  header.Value<std::uint64_t>(this->PayloadChecksum.Low);
  header.Text(this->VTKVersion);
  header.Text(this->Key);
  header.Text(this->Digest);
  ByteWriter file;
  file.Bytes.append(Magic, 8);
  file.Value<std::uint32_t>(FormatVersion);
  file.Value<std::uint32_t>(static_cast<std::uint32_t>(header.Bytes.size()));
  file.Bytes += header.Bytes;
  file.Value<std::uint64_t>(HeaderChecksum(file.Bytes.data(), file.Bytes.size()));
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
    return version > FormatVersion ? Status::FutureVersion : Status::Corrupt;
  }
  if (length > MaximumHeaderBytes)
  {
    return Status::Corrupt;
  }
  headerBytes = PrefixBytes + length + sizeof(std::uint64_t);
  return Status::Ok;
}

//------------------------------------------------------------------------------
vtkTrackedDiskHeader::Status vtkTrackedDiskHeader::Decode(
  const char* bytes, std::size_t size, vtkTrackedDiskHeader& header, std::string& error)
{
  std::size_t expected = 0;
  const Status measured = Measure(bytes, size, expected);
  if (measured != Status::Ok)
  {
    error = measured == Status::NotOurs   ? "not a cache entry"
      : measured == Status::FutureVersion ? "written by a newer format"
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
  if (checksum != HeaderChecksum(bytes, checked))
  {
    error = "a header that fails its checksum";
    return Status::Corrupt;
  }
  SpanReader reader(bytes + PrefixBytes, checked - PrefixBytes);
  header.Created = reader.Value<std::int64_t>();
  header.ComputeSeconds = reader.Value<double>();
  header.PayloadSize = reader.Value<std::uint64_t>();
  header.PayloadChecksum.High = reader.Value<std::uint64_t>();
  header.PayloadChecksum.Low = reader.Value<std::uint64_t>();
  header.VTKVersion = reader.Text();
  header.Key = reader.Text();
  header.Digest = reader.Text();
  if (reader.Failed() || reader.Left() != 0)
  {
    error = "an inconsistent header";
    return Status::Corrupt;
  }
  return Status::Ok;
}

//------------------------------------------------------------------------------
bool vtkTrackedEncodePayload(const std::vector<vtkObject*>& objects, int compression, int level,
  std::vector<std::string>& pieces, std::string& error)
{
  pieces.clear();
  Encoder encoder(compression, level, pieces);
  ByteWriter count;
  count.Value<std::uint32_t>(static_cast<std::uint32_t>(objects.size()));
  pieces.push_back(count.Bytes);
  for (vtkObject* object : objects)
  {
    if (!encoder.Object(object, error))
    {
      return false;
    }
  }
  encoder.Finish();
  return true;
}

//------------------------------------------------------------------------------
bool vtkTrackedDecodePayload(const std::function<bool(char*, std::size_t)>& read,
  std::uint64_t payloadSize, const std::function<bool()>& verified,
  std::vector<vtkSmartPointer<vtkObject>>& objects, std::string& error)
{
  Decoder decoder(read, payloadSize);
  std::uint32_t count = 0;
  if (!decoder.Value(count) || count > decoder.Remaining())
  {
    error = "a damaged payload";
    return false;
  }
  std::vector<PendingNode> nodes(count);
  for (auto& node : nodes)
  {
    if (!decoder.Node(node, 0))
    {
      error = "a damaged payload";
      return false;
    }
  }
  if (decoder.Remaining() != 0)
  {
    error = "a payload longer than its contents";
    return false;
  }
  if (!verified())
  {
    error = "a payload that fails its checksum";
    return false;
  }
  objects.clear();
  for (auto& node : nodes)
  {
    vtkSmartPointer<vtkObject> object = Build(node, error);
    if (!error.empty())
    {
      return false;
    }
    objects.push_back(object);
  }
  return true;
}
