#include "vtkTrackedDiskEntry.h"

#include "vtkAbstractArray.h"
#include "vtkCallbackCommand.h"
#include "vtkCommand.h"
#include "vtkCompositeDataSet.h"
#include "vtkDataAssembly.h"
#include "vtkDataSet.h"
#include "vtkFieldData.h"
#include "vtkImageData.h"
#include "vtkInformation.h"
#include "vtkMultiBlockDataSet.h"
#include "vtkNew.h"
#include "vtkObjectFactory.h"
#include "vtkPartitionedDataSet.h"
#include "vtkPartitionedDataSetCollection.h"
#include "vtkPointSet.h"
#include "vtkPoints.h"
#include "vtkPolyData.h"
#include "vtkRectilinearGrid.h"
#include "vtkStringArray.h"
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
#include "vtkXMLWriter.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <istream>
#include <memory>
#include <ostream>
#include <streambuf>

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

std::uint64_t HeaderChecksum(const char* bytes, std::size_t size, const std::string& secret)
{
  vtkTrackedHasher hasher(secret);
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

//------------------------------------------------------------------------------
// Streams between VTK's XML writers and readers and the entry file.

// Writes to a file from a base offset, buffered, with seeking: VTK's XML writers seek
// back to fill in offsets. Positions are relative to the base.
class OffsetFileBuffer : public std::streambuf
{
public:
  OffsetFileBuffer(int fd, std::uint64_t base)
    : Fd(fd)
    , Base(base)
    , Buffer(std::size_t(1) << 20)
  {
    this->setp(this->Buffer.data(), this->Buffer.data() + this->Buffer.size());
  }
  ~OffsetFileBuffer() override { this->Flush(); }
  OffsetFileBuffer(const OffsetFileBuffer&) = delete;
  OffsetFileBuffer& operator=(const OffsetFileBuffer&) = delete;

  // The end of what was written; call after Flush().
  std::uint64_t Extent() const { return this->End; }
  bool Flush()
  {
    const std::size_t pending = static_cast<std::size_t>(this->pptr() - this->pbase());
    if (pending > 0)
    {
      if (!this->WriteAt(this->Position, this->pbase(), pending))
      {
        this->Failure = true;
      }
      this->Position += pending;
      this->End = std::max(this->End, this->Position);
    }
    this->setp(this->Buffer.data(), this->Buffer.data() + this->Buffer.size());
    return !this->Failure;
  }
  bool Failed() const { return this->Failure; }

protected:
  int_type overflow(int_type c) override
  {
    if (!this->Flush())
    {
      return traits_type::eof();
    }
    if (!traits_type::eq_int_type(c, traits_type::eof()))
    {
      *this->pptr() = traits_type::to_char_type(c);
      this->pbump(1);
    }
    return traits_type::not_eof(c);
  }

  std::streamsize xsputn(const char* bytes, std::streamsize count) override
  {
    if (count < static_cast<std::streamsize>(this->Buffer.size()))
    {
      return std::streambuf::xsputn(bytes, count);
    }
    // Large blocks (array data) go straight to the file.
    if (!this->Flush() || !this->WriteAt(this->Position, bytes, static_cast<std::size_t>(count)))
    {
      this->Failure = true;
      return 0;
    }
    this->Position += static_cast<std::uint64_t>(count);
    this->End = std::max(this->End, this->Position);
    return count;
  }

  int sync() override { return this->Flush() ? 0 : -1; }

  pos_type seekoff(
    off_type offset, std::ios_base::seekdir direction, std::ios_base::openmode which) override
  {
    if (!(which & std::ios_base::out) || !this->Flush())
    {
      return pos_type(off_type(-1));
    }
    const off_type origin = direction == std::ios_base::beg ? 0
      : direction == std::ios_base::cur                     ? off_type(this->Position)
                                                            : off_type(this->End);
    if (origin + offset < 0)
    {
      return pos_type(off_type(-1));
    }
    this->Position = static_cast<std::uint64_t>(origin + offset);
    return pos_type(off_type(this->Position));
  }

  pos_type seekpos(pos_type position, std::ios_base::openmode which) override
  {
    return this->seekoff(off_type(position), std::ios_base::beg, which);
  }

private:
  bool WriteAt(std::uint64_t position, const char* bytes, std::size_t count)
  {
    while (count > 0)
    {
      const ssize_t written =
        ::pwrite(this->Fd, bytes, count, static_cast<off_t>(this->Base + position));
      if (written < 0 && errno == EINTR)
      {
        continue;
      }
      if (written <= 0)
      {
        return false;
      }
      bytes += written;
      count -= static_cast<std::size_t>(written);
      position += static_cast<std::uint64_t>(written);
    }
    return true;
  }

  int Fd;
  std::uint64_t Base;
  std::vector<char> Buffer;
  std::uint64_t Position = 0; // of the buffer's first byte
  std::uint64_t End = 0;
  bool Failure = false;
};

bool ReadAt(int fd, std::uint64_t position, char* bytes, std::size_t count)
{
  while (count > 0)
  {
    const ssize_t got = ::pread(fd, bytes, count, static_cast<off_t>(position));
    if (got < 0 && errno == EINTR)
    {
      continue;
    }
    if (got <= 0)
    {
      return false;
    }
    bytes += got;
    count -= static_cast<std::size_t>(got);
    position += static_cast<std::uint64_t>(got);
  }
  return true;
}

// The payload of an entry file, handed out chunk by chunk, each checked against its
// checksum when loaded: no unchecked byte ever leaves it.
class VerifiedPayload
{
public:
  VerifiedPayload(int fd, std::uint64_t base, std::uint64_t size, std::uint32_t chunkBytes,
    const std::vector<vtkTrackedDigest>& checksums, const std::string& secret)
    : Fd(fd)
    , Base(base)
    , Size(size)
    , ChunkBytes(chunkBytes)
    , Checksums(checksums)
    , Secret(secret)
  {
  }

  // The checked bytes from `offset` to the end of its chunk (their count in `available`),
  // or null past the end or when the chunk fails its checksum.
  const char* Chunk(std::uint64_t offset, std::size_t& available)
  {
    if (offset >= this->Size || this->Failure)
    {
      return nullptr;
    }
    const std::uint64_t chunk = offset / this->ChunkBytes;
    if (chunk != this->Loaded)
    {
      const std::uint64_t begin = chunk * this->ChunkBytes;
      const std::size_t length =
        static_cast<std::size_t>(std::min<std::uint64_t>(this->ChunkBytes, this->Size - begin));
      this->Buffer.resize(length);
      vtkTrackedHasher hasher(this->Secret);
      if (chunk >= this->Checksums.size() ||
        !ReadAt(this->Fd, this->Base + begin, this->Buffer.data(), length) ||
        (hasher.Add(this->Buffer.data(), length), hasher.Digest() != this->Checksums[chunk]))
      {
        this->Failure = true;
        this->Loaded = ~std::uint64_t(0);
        return nullptr;
      }
      this->Loaded = chunk;
    }
    const std::size_t within = static_cast<std::size_t>(offset - chunk * this->ChunkBytes);
    available = this->Buffer.size() - within;
    return this->Buffer.data() + within;
  }

  bool Read(std::uint64_t offset, char* bytes, std::size_t count)
  {
    while (count > 0)
    {
      std::size_t available = 0;
      const char* chunk = this->Chunk(offset, available);
      if (!chunk)
      {
        return false;
      }
      const std::size_t taken = std::min(available, count);
      std::memcpy(bytes, chunk, taken);
      bytes += taken;
      count -= taken;
      offset += taken;
    }
    return true;
  }

  bool Failed() const { return this->Failure; }

private:
  int Fd;
  std::uint64_t Base;
  std::uint64_t Size;
  std::uint32_t ChunkBytes;
  const std::vector<vtkTrackedDigest>& Checksums;
  const std::string& Secret;
  std::vector<char> Buffer;
  std::uint64_t Loaded = ~std::uint64_t(0);
  bool Failure = false;
};

// Reads one leaf, [begin, begin + size) of the payload, for a VTK XML reader, seeking
// included; chunks are checked as they are reached.
class LeafBuffer : public std::streambuf
{
public:
  LeafBuffer(VerifiedPayload& payload, std::uint64_t begin, std::uint64_t size)
    : Payload(payload)
    , Begin(begin)
    , Size(size)
  {
  }

protected:
  int_type underflow() override
  {
    this->Start += static_cast<std::uint64_t>(this->gptr() - this->eback());
    this->setg(nullptr, nullptr, nullptr);
    if (this->Start >= this->Size)
    {
      return traits_type::eof();
    }
    std::size_t available = 0;
    const char* bytes = this->Payload.Chunk(this->Begin + this->Start, available);
    if (!bytes)
    {
      return traits_type::eof();
    }
    available =
      static_cast<std::size_t>(std::min<std::uint64_t>(available, this->Size - this->Start));
    char* first = const_cast<char*>(bytes); // read only: the get area is never written
    this->setg(first, first, first + available);
    return traits_type::to_int_type(*first);
  }

  pos_type seekoff(
    off_type offset, std::ios_base::seekdir direction, std::ios_base::openmode which) override
  {
    const off_type current = off_type(this->Start + (this->gptr() - this->eback()));
    const off_type origin = direction == std::ios_base::beg ? 0
      : direction == std::ios_base::cur                     ? current
                                                            : off_type(this->Size);
    const off_type target = origin + offset;
    if (!(which & std::ios_base::in) || target < 0 || target > off_type(this->Size))
    {
      return pos_type(off_type(-1));
    }
    this->Start = static_cast<std::uint64_t>(target);
    this->setg(nullptr, nullptr, nullptr); // reloaded by the next read
    return pos_type(target);
  }

  pos_type seekpos(pos_type position, std::ios_base::openmode which) override
  {
    return this->seekoff(off_type(position), std::ios_base::beg, which);
  }

private:
  VerifiedPayload& Payload;
  std::uint64_t Begin;
  std::uint64_t Size;
  std::uint64_t Start = 0; // of the get area, relative to Begin
};

// Access to the stream a VTK XML writer uses: one set there is written to instead of a
// file or a string (VTK's "user-provided stream"; the writer rewinds it to 0 first).
struct WriterStream : vtkXMLWriter
{
  static ostream*& Of(vtkXMLWriter* writer) { return writer->*(&WriterStream::Stream); }
};

// A VTK XML reader of one of our streams: every pass (information, data) reads it from
// its start, as it would a file it opened.
template <typename Reader>
class StreamedReader : public Reader
{
public:
  static StreamedReader* New() { VTK_STANDARD_NEW_BODY(StreamedReader); }
  void SetInput(std::istream* input) { this->Stream = input; }

protected:
  int OpenStream() override
  {
    if (!this->Stream)
    {
      return 0;
    }
    this->Stream->clear();
    this->Stream->seekg(0);
    return 1;
  }
  void CloseStream() override {} // the stream stays for the next pass
};

// A reader of `className` that reads `input`.
template <typename Reader>
vtkSmartPointer<vtkXMLReader> Streamed(std::istream* input)
{
  auto reader = vtkSmartPointer<StreamedReader<Reader>>::New();
  reader->SetInput(input);
  return reader;
}

vtkSmartPointer<vtkXMLReader> ReaderFor(const std::string& className, std::istream* input)
{
  if (className == "vtkPolyData")
  {
    return Streamed<vtkXMLPolyDataReader>(input);
  }
  if (className == "vtkUnstructuredGrid")
  {
    return Streamed<vtkXMLUnstructuredGridReader>(input);
  }
  if (className == "vtkImageData")
  {
    return Streamed<vtkXMLImageDataReader>(input);
  }
  if (className == "vtkRectilinearGrid")
  {
    return Streamed<vtkXMLRectilinearGridReader>(input);
  }
  if (className == "vtkStructuredGrid")
  {
    return Streamed<vtkXMLStructuredGridReader>(input);
  }
  if (className == "vtkTable")
  {
    return Streamed<vtkXMLTableReader>(input);
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

// Whether `text` is UTF-8 that XML takes as it is: VTK's XML writer puts names in
// attributes unescaped, and the parser fails on '<', '&', '"' and on invalid UTF-8, and
// turns control characters into spaces.
bool SafeInAttribute(const char* text)
{
  const auto* byte = reinterpret_cast<const unsigned char*>(text ? text : "");
  while (*byte)
  {
    const unsigned char lead = *byte++;
    if (lead == '<' || lead == '&' || lead == '"' || lead < 0x20)
    {
      return false;
    }
    if (lead < 0x80)
    {
      continue;
    }
    // The first continuation byte's range excludes overlong forms, surrogates and code
    // points beyond U+10FFFF.
    int more = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF)
    {
      more = 1;
    }
    else if (lead >= 0xE0 && lead <= 0xEF)
    {
      more = 2;
      low = lead == 0xE0 ? 0xA0 : 0x80;
      high = lead == 0xED ? 0x9F : 0xBF;
    }
    else if (lead >= 0xF0 && lead <= 0xF4)
    {
      more = 3;
      low = lead == 0xF0 ? 0x90 : 0x80;
      high = lead == 0xF4 ? 0x8F : 0xBF;
    }
    else
    {
      return false;
    }
    for (int i = 0; i < more; ++i, ++byte)
    {
      if (*byte < (i == 0 ? low : 0x80) || *byte > (i == 0 ? high : 0xBF))
      {
        return false;
      }
    }
  }
  return true;
}

// Why VTK's XML formats would not give `array` back as itself, or "". They write char as
// Int8 and long as Int64 (read back as signed char and long long), skip other arrays than
// data and string arrays, write names unescaped, and keep one tuple per point, cell or row
// of point, cell and row data (`expectedTuples`, -1 for other arrays).
std::string WhyNotKept(vtkAbstractArray* array, vtkIdType expectedTuples)
{
  const int type = array->GetDataType();
  if (!vtkDataArray::SafeDownCast(array) && !vtkStringArray::SafeDownCast(array))
  {
    return "VTK's XML format has no place for it";
  }
  if (type == VTK_CHAR || type == VTK_LONG || type == VTK_UNSIGNED_LONG)
  {
    return "VTK's XML format would give it back as another type";
  }
  bool safeNames = SafeInAttribute(array->GetName());
  for (int component = 0; component < array->GetNumberOfComponents(); ++component)
  {
    safeNames = safeNames &&
      (!array->HasAComponentName() || SafeInAttribute(array->GetComponentName(component)));
  }
  if (!safeNames)
  {
    return "VTK's XML writer does not escape '<', '&', '\"', control characters or invalid "
           "UTF-8 in names";
  }
  if (expectedTuples >= 0 && array->GetNumberOfTuples() != expectedTuples)
  {
    return "it has " + std::to_string(array->GetNumberOfTuples()) +
      " tuples where VTK's XML format keeps " + std::to_string(expectedTuples);
  }
  return std::string();
}

// What is written for `object`: itself, or a shallow copy that VTK's XML reader can read
// back; and the fix-ups that make what is read back the same. Null, with `error` set, when
// what is read back could not be the same.
vtkSmartPointer<vtkDataObject> PrepareLeaf(
  vtkDataObject* object, LeafFixUps& fixUps, std::string& error)
{
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
  auto* dataSet = vtkDataSet::SafeDownCast(written);
  auto* table = vtkTable::SafeDownCast(written);
  const vtkIdType points = dataSet ? dataSet->GetNumberOfPoints() : -1;
  const vtkIdType cells = dataSet ? dataSet->GetNumberOfCells() : -1;
  const vtkIdType rows = table ? table->GetNumberOfRows() : -1;
  std::uint32_t index = 0;
  vtkTrackedVisitOwnArrays(written,
    [&](const char* role, int, vtkAbstractArray* array)
    {
      if (!array->GetName())
      {
        fixUps.Unnamed.push_back(index);
      }
      const vtkIdType expected = std::strcmp(role, "point") == 0 ? points
        : std::strcmp(role, "cell") == 0                         ? cells
        : std::strcmp(role, "row") == 0                          ? rows
                                                                 : -1;
      const std::string why = error.empty() ? WhyNotKept(array, expected) : std::string();
      if (!why.empty())
      {
        error = std::string("a ") + array->GetClassName() + " ('" +
          (array->GetName() ? array->GetName() : "") + "') cannot be stored on disk: " + why;
      }
      ++index;
    });
  return error.empty() ? written : nullptr;
}

// Notes the errors (and warnings, if asked) `object` reports while it lives.
class ComplaintWatch
{
public:
  ComplaintWatch(vtkObject* object, bool warningsToo)
    : Object(object)
  {
    this->Command->SetClientData(&this->Complained);
    this->Command->SetCallback(
      [](vtkObject*, unsigned long, void* flag, void*) { *static_cast<bool*>(flag) = true; });
    this->Tags.push_back(object->AddObserver(vtkCommand::ErrorEvent, this->Command));
    if (warningsToo)
    {
      this->Tags.push_back(object->AddObserver(vtkCommand::WarningEvent, this->Command));
    }
  }
  ~ComplaintWatch()
  {
    for (unsigned long tag : this->Tags)
    {
      this->Object->RemoveObserver(tag);
    }
  }
  ComplaintWatch(const ComplaintWatch&) = delete;
  ComplaintWatch& operator=(const ComplaintWatch&) = delete;

  bool Heard() const { return this->Complained; }

private:
  vtkObject* Object;
  vtkNew<vtkCallbackCommand> Command;
  std::vector<unsigned long> Tags;
  bool Complained = false;
};

// Writes the XML of `object` into `fd` from `offset` on, giving its size.
bool WriteXML(vtkDataObject* object, int compression, int level, int fd, std::uint64_t offset,
  std::uint64_t& size, std::string& error)
{
  auto writer = WriterFor(object);
  if (!writer)
  {
    error = std::string("a ") + object->GetClassName() + " cannot be stored on disk";
    return false;
  }
  OffsetFileBuffer buffer(fd, offset);
  std::ostream stream(&buffer);
  writer->SetInputData(object);
  writer->SetDataModeToAppended();
  writer->EncodeAppendedDataOff();
  writer->SetHeaderTypeToUInt64();
  writer->SetCompressorType(compression);
  if (compression != vtkXMLWriterBase::NONE)
  {
    writer->SetCompressionLevel(level);
  }
  WriterStream::Of(writer.get()) = &stream;
  // The writer reports success after skipping what it cannot write; any complaint fails.
  bool wrote = false;
  {
    ComplaintWatch watch(writer.get(), /*warningsToo=*/true);
    wrote = writer->Write() != 0 && !watch.Heard();
  }
  WriterStream::Of(writer.get()) = nullptr;
  if (!buffer.Flush() || !wrote)
  {
    error = buffer.Failed() ? std::string("cannot write: ") + std::strerror(errno)
                            : std::string("VTK's XML writer failed on a ") + object->GetClassName();
    return false;
  }
  size = buffer.Extent();
  return true;
}

// Reads one leaf through `payload`; it must come out as `className`. Errors the reader
// reports, or a chunk failing its checksum, make it fail.
vtkSmartPointer<vtkDataObject> ReadLeaf(VerifiedPayload& payload, std::uint64_t begin,
  std::uint64_t size, const std::string& className, const LeafFixUps& fixUps, std::string& error)
{
  LeafBuffer buffer(payload, begin, size);
  std::istream stream(&buffer);
  vtkSmartPointer<vtkXMLReader> reader = ReaderFor(className, &stream);
  if (!reader)
  {
    error = "a stored " + className + " has no reader";
    return nullptr;
  }
  bool failed = false;
  {
    ComplaintWatch watch(reader, /*warningsToo=*/false);
    reader->Update();
    failed = watch.Heard();
  }
  vtkSmartPointer<vtkDataObject> output = reader->GetOutputDataObject(0);
  if (payload.Failed())
  {
    error = "a payload chunk that fails its checksum";
    return nullptr;
  }
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
    auto* pointSet = vtkPointSet::SafeDownCast(output);
    if (!pointSet) // a crafted framing: only point sets are stored without points
    {
      error = "a stored " + className + " with a fix-up it cannot have";
      return nullptr;
    }
    pointSet->SetPoints(nullptr);
  }
  return output;
}

//------------------------------------------------------------------------------
// Encoding: framing bytes go out as they come, each leaf's XML in place after them.
class Encoder
{
public:
  Encoder(int fd, std::uint64_t offset, int compression, int level)
    : Fd(fd)
    , Offset(offset)
    , Compression(compression)
    , Level(level)
  {
  }

  bool Objects(const std::vector<vtkObject*>& objects, std::string& error)
  {
    this->Framing.Value<std::uint32_t>(static_cast<std::uint32_t>(objects.size()));
    for (vtkObject* object : objects)
    {
      if (!this->Object(object, error))
      {
        return false;
      }
    }
    return this->Flush(error);
  }

  std::uint64_t Size() const { return this->Written; }

private:
  bool Object(vtkObject* object, std::string& error)
  {
    if (auto* array = vtkAbstractArray::SafeDownCast(object))
    {
      vtkNew<vtkTable> holder;
      holder->AddColumn(array);
      this->Framing.Value<std::uint8_t>(Array);
      this->Framing.Text(std::to_string(array->GetDataType())); // its layout may change
      return this->LeafBytes(holder, error);
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
        depth, /*named=*/true, error);
    }
    if (name == "vtkPartitionedDataSet")
    {
      auto* partitions = static_cast<vtkPartitionedDataSet*>(data);
      this->Framing.Value<std::uint8_t>(Partitioned);
      return this->Children(
        partitions->GetNumberOfPartitions(),
        [&](unsigned int i) { return partitions->GetPartitionAsDataObject(i); },
        [](unsigned int) -> vtkInformation* { return nullptr; }, depth, /*named=*/false, error);
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
        depth, /*named=*/true, error);
    }
    this->Framing.Value<std::uint8_t>(Leaf);
    this->Framing.Text(name);
    return this->LeafBytes(data, error);
  }

  template <typename GetChild, typename GetMetaData>
  bool Children(unsigned int count, GetChild&& child, GetMetaData&& metaData, int depth, bool named,
    std::string& error)
  {
    this->Framing.Value<std::uint32_t>(count);
    for (unsigned int i = 0; i < count; ++i)
    {
      if (named)
      {
        vtkInformation* info = metaData(i);
        const bool hasName = info && info->Has(vtkCompositeDataSet::NAME());
        this->Framing.Value<std::uint8_t>(hasName ? 1 : 0);
        if (hasName)
        {
          this->Framing.Text(info->Get(vtkCompositeDataSet::NAME()));
        }
      }
      if (!this->Node(child(i), depth + 1, error))
      {
        return false;
      }
    }
    return true;
  }

  // The fix-ups and a place for the size, then the XML written in place; the size is
  // filled in once known.
  bool LeafBytes(vtkDataObject* data, std::string& error)
  {
    LeafFixUps fixUps;
    vtkSmartPointer<vtkDataObject> written = PrepareLeaf(data, fixUps, error);
    if (!written)
    {
      return false;
    }
    this->Framing.Value<std::uint8_t>(fixUps.NoPoints ? 1 : 0);
    this->Framing.Value<std::uint32_t>(static_cast<std::uint32_t>(fixUps.Unnamed.size()));
    for (std::uint32_t index : fixUps.Unnamed)
    {
      this->Framing.Value<std::uint32_t>(index);
    }
    this->Framing.Value<std::uint64_t>(0);
    if (!this->Flush(error))
    {
      return false;
    }
    const std::uint64_t sizeField = this->Written - sizeof(std::uint64_t);
    std::uint64_t size = 0;
    if (!WriteXML(written, this->Compression, this->Level, this->Fd, this->Offset + this->Written,
          size, error))
    {
      return false;
    }
    OffsetFileBuffer patch(this->Fd, this->Offset + sizeField);
    patch.sputn(reinterpret_cast<const char*>(&size), sizeof(size));
    if (!patch.Flush())
    {
      error = std::string("cannot write: ") + std::strerror(errno);
      return false;
    }
    this->Written += size;
    return true;
  }

  bool Flush(std::string& error)
  {
    const std::string& bytes = this->Framing.Bytes;
    if (!bytes.empty())
    {
      OffsetFileBuffer buffer(this->Fd, this->Offset + this->Written);
      buffer.sputn(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      if (!buffer.Flush())
      {
        error = std::string("cannot write: ") + std::strerror(errno);
        return false;
      }
      this->Written += bytes.size();
      this->Framing.Bytes.clear();
    }
    return true;
  }

  int Fd;
  std::uint64_t Offset;
  int Compression;
  int Level;
  std::uint64_t Written = 0;
  ByteWriter Framing;
};

//------------------------------------------------------------------------------
// Decoding: the framing is parsed first (from checked chunks); leaves are found by offset
// and read by VTK's readers afterwards, through checked chunks too.
struct PendingNode
{
  std::uint8_t Kind = NoObject;
  std::string ClassName;
  LeafFixUps FixUps;
  std::uint64_t XMLBegin = 0;
  std::uint64_t XMLSize = 0;
  std::string Assembly;
  std::vector<std::pair<std::unique_ptr<std::string>, PendingNode>> Children; // name, node
};

class Decoder
{
public:
  Decoder(VerifiedPayload& payload, std::uint64_t size)
    : Payload(payload)
    , Size(size)
  {
  }

  template <typename T>
  bool Value(T& value)
  {
    if (sizeof(T) > this->Left() ||
      !this->Payload.Read(this->Position, reinterpret_cast<char*>(&value), sizeof(T)))
    {
      return false;
    }
    this->Position += sizeof(T);
    return true;
  }

  bool Text(std::string& text)
  {
    std::uint32_t length = 0;
    if (!this->Value(length) || length > this->Left())
    {
      return false;
    }
    text.resize(length);
    if (length > 0 && !this->Payload.Read(this->Position, &text[0], length))
    {
      return false;
    }
    this->Position += length;
    return true;
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
        return this->LeafNode(node);
      case PartitionedCollection:
        return this->Text(node.Assembly) && this->Children(node, depth, /*named=*/true);
      case MultiBlock:
        return this->Children(node, depth, /*named=*/true);
      case Partitioned:
        return this->Children(node, depth, /*named=*/false);
      default:
        return false;
    }
  }

  std::uint64_t Left() const { return this->Size - this->Position; }

private:
  bool LeafNode(PendingNode& node)
  {
    std::uint8_t noPoints = 0;
    std::uint32_t unnamed = 0;
    if (!this->Text(node.ClassName) || !this->Value(noPoints) || !this->Value(unnamed) ||
      unnamed > this->Left() / sizeof(std::uint32_t))
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
    if (!this->Value(node.XMLSize) || node.XMLSize > this->Left())
    {
      return false;
    }
    node.XMLBegin = this->Position;
    this->Position += node.XMLSize;
    return true;
  }

  bool Children(PendingNode& node, int depth, bool named)
  {
    std::uint32_t count = 0;
    // Each child takes at least one byte: a larger count cannot be honest.
    if (!this->Value(count) || count > this->Left())
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

  VerifiedPayload& Payload;
  std::uint64_t Size;
  std::uint64_t Position = 0;
};

void SetName(vtkCompositeDataSet* parent, unsigned int index, const std::string* name,
  vtkInformation* (*metaData)(vtkCompositeDataSet*, unsigned int))
{
  if (name)
  {
    metaData(parent, index)->Set(vtkCompositeDataSet::NAME(), name->c_str());
  }
}

vtkSmartPointer<vtkObject> Build(VerifiedPayload& payload, PendingNode& node, std::string& error)
{
  switch (node.Kind)
  {
    case NoObject:
      return nullptr;
    case Leaf:
      return ReadLeaf(payload, node.XMLBegin, node.XMLSize, node.ClassName, node.FixUps, error);
    case Array:
    {
      vtkSmartPointer<vtkDataObject> holder =
        ReadLeaf(payload, node.XMLBegin, node.XMLSize, "vtkTable", node.FixUps, error);
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
    vtkSmartPointer<vtkObject> built = Build(payload, child.second, error);
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
vtkTrackedDiskHeader::Status vtkTrackedDiskHeader::Decode(const char* bytes, std::size_t size,
  const std::string& secret, vtkTrackedDiskHeader& header, std::string& error)
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
  // Chunks from 4 KiB to 64 MiB: a reader allocates one.
  if (reader.Failed() || reader.Left() != 0 || header.ChunkBytes < 4096 ||
    header.ChunkBytes > (64u << 20))
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
bool vtkTrackedWritePayload(int fd, std::uint64_t offset, const std::vector<vtkObject*>& objects,
  int compression, int level, std::uint64_t& size, std::string& error)
{
  Encoder encoder(fd, offset, compression, level);
  if (!encoder.Objects(objects, error))
  {
    return false;
  }
  size = encoder.Size();
  return true;
}

//------------------------------------------------------------------------------
bool vtkTrackedChecksumPayload(int fd, std::uint64_t offset, std::uint64_t size,
  std::uint32_t chunkBytes, const std::string& secret, std::vector<vtkTrackedDigest>& checksums)
{
  checksums.clear();
  std::vector<char> chunk(chunkBytes);
  for (std::uint64_t begin = 0; begin < size; begin += chunkBytes)
  {
    const std::size_t length =
      static_cast<std::size_t>(std::min<std::uint64_t>(chunkBytes, size - begin));
    if (!ReadAt(fd, offset + begin, chunk.data(), length))
    {
      return false;
    }
    vtkTrackedHasher hasher(secret);
    hasher.Add(chunk.data(), length);
    checksums.push_back(hasher.Digest());
  }
  return true;
}

//------------------------------------------------------------------------------
vtkTrackedDigest vtkTrackedChecksumList(
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
bool vtkTrackedReadPayload(int fd, std::uint64_t offset, std::uint64_t size,
  std::uint32_t chunkBytes, const std::vector<vtkTrackedDigest>& checksums,
  const std::string& secret, std::vector<vtkSmartPointer<vtkObject>>* objects, std::string& error)
{
  VerifiedPayload payload(fd, offset, size, chunkBytes, checksums, secret);
  Decoder decoder(payload, size);
  std::uint32_t count = 0;
  std::vector<PendingNode> nodes;
  bool framed = decoder.Value(count) && count <= decoder.Left();
  if (framed)
  {
    nodes.resize(count);
    for (auto& node : nodes)
    {
      framed = framed && decoder.Node(node, 0);
    }
  }
  if (!framed || decoder.Left() != 0)
  {
    error = payload.Failed() ? "a payload chunk that fails its checksum" : "a damaged payload";
    return false;
  }
  if (!objects)
  {
    return true;
  }
  objects->clear();
  for (auto& node : nodes)
  {
    vtkSmartPointer<vtkObject> object = Build(payload, node, error);
    if (!error.empty())
    {
      return false;
    }
    objects->push_back(object);
  }
  return true;
}
