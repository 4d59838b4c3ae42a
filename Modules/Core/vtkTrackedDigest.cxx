// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
#include "vtkTrackedDigest.h"

#include "vtkArrayBufferPool.h"
#include "vtkCompositeDataSet.h"
#include "vtkDataArray.h"
#include "vtkDataAssembly.h"
#include "vtkImageData.h"
#include "vtkInformation.h"
#include "vtkMatrix3x3.h"
#include "vtkPartitionedDataSetCollection.h"
#include "vtkRectilinearGrid.h"
#include "vtkSMPTools.h"
#include "vtkSmartPointer.h"
#include "vtkStringArray.h"
#include "vtkStructuredGrid.h"
#include "vtkTrackedDataObjectArrays.h"
#include "vtkTrackedSOAStorage.h"
#include "vtkVariant.h"

#include "vtkTrackedXXH3.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

namespace
{
// Values of packed arrays are streamed in pieces this large: small enough that the
// packing buffer stays in the CPU's L2 cache between packing and hashing, large enough
// that the per-piece cost vanishes (measured: 64 KiB pieces hashed SOA at 0.65 of the
// AOS speed from memory, 512 KiB pieces at 0.85-0.95).
constexpr std::size_t PieceBytes = 512 * 1024;

vtkTrackedDigest FromHash(const vtkTrackedXXH3::Hash128& hash)
{
  vtkTrackedDigest digest;
  digest.High = hash.High;
  digest.Low = hash.Low;
  return digest;
}

// What the text form of a digest starts with.
constexpr std::string_view TextPrefix = "xxh3-128:";

// The 16 lowercase hex digits of `value`, most significant first: two digits a byte, from
// a table.
void WriteHexDigits(std::uint64_t value, char* digits)
{
  static constexpr auto HexPairs = []
  {
    constexpr char hex[] = "0123456789abcdef";
    std::array<char, 512> pairs{};
    for (int byte = 0; byte < 256; ++byte)
    {
      pairs[2 * byte] = hex[byte >> 4];
      pairs[2 * byte + 1] = hex[byte & 15];
    }
    return pairs;
  }();
  for (int byte = 0; byte < 8; ++byte)
  {
    std::memcpy(digits + 2 * byte, &HexPairs[2 * ((value >> (56 - 8 * byte)) & 255)], 2);
  }
}

// XXH3-128's canonical form: the high half, then the low half, each big-endian.
struct Canonical
{
  explicit Canonical(const vtkTrackedDigest& digest)
  {
    for (int byte = 0; byte < 8; ++byte)
    {
      this->Bytes[byte] = static_cast<unsigned char>(digest.High >> (56 - 8 * byte));
      this->Bytes[8 + byte] = static_cast<unsigned char>(digest.Low >> (56 - 8 * byte));
    }
  }
  unsigned char Bytes[16];
};

// A vtkTrackedHasher with typed additions. The first bytes are gathered and hashed at once
// (XXH3 one-shot gives the streamed digest of the same bytes, for a fraction of a streaming
// state's fixed cost); beyond the buffer they stream.
class Stream
{
public:
  void Add(const void* bytes, std::size_t length)
  {
    if (!this->Hasher && length <= sizeof(this->Buffer) - this->Used)
    {
      std::memcpy(this->Buffer + this->Used, bytes, length);
      this->Used += length;
      return;
    }
    this->Streaming().Add(bytes, length);
  }

  template <typename T>
  void AddValue(T value)
  {
    static_assert(std::is_trivially_copyable<T>::value, "plain values only");
    this->Add(&value, sizeof(value));
  }

  template <typename T>
  void AddValues(const T* values, std::size_t count)
  {
    static_assert(std::is_trivially_copyable<T>::value, "plain values only");
    this->Add(values, count * sizeof(T));
  }

  // Length-prefixed, so that consecutive texts cannot run into each other.
  void AddText(const char* text, std::size_t length)
  {
    this->AddValue<std::uint64_t>(length);
    this->Add(text, length);
  }
  void AddText(const std::string& text) { this->AddText(text.data(), text.size()); }
  void AddText(const char* text) { this->AddText(text, std::strlen(text)); }

  // A name that may be absent: absent and empty differ.
  void AddName(const char* name)
  {
    this->AddValue<std::uint8_t>(name ? 1 : 0);
    if (name)
    {
      this->AddText(name);
    }
  }

  void AddDigest(const vtkTrackedDigest& digest)
  {
    const Canonical canonical(digest);
    this->Add(canonical.Bytes, sizeof(canonical.Bytes));
  }

  vtkTrackedDigest Digest() const
  {
    return this->Hasher ? this->Hasher->Digest()
                        : FromHash(vtkTrackedXXH3::Hash(this->Buffer, this->Used));
  }

private:
  // The streaming hasher, holding the bytes gathered so far.
  vtkTrackedHasher& Streaming()
  {
    if (!this->Hasher)
    {
      this->Hasher.emplace();
      this->Hasher->Add(this->Buffer, this->Used);
    }
    return *this->Hasher;
  }

  unsigned char Buffer[1024];
  std::size_t Used = 0;
  std::optional<vtkTrackedHasher> Hasher;
};

// How one array's chunks are hashed: their count, and a function that hashes one (false if
// it could not: a packing buffer could not be had).
struct ChunkPlan
{
  vtkIdType Chunks = 0;
  std::function<bool(vtkIdType chunk, vtkTrackedDigest& digest)> Hash;
};

// Calls `hashRange(begin, end)` over chunks [0, total), in parallel when there are several;
// false if any call was.
template <typename HashRange>
bool ForChunks(vtkIdType total, HashRange&& hashRange)
{
  std::atomic<bool> failed{ false };
  auto run = [&hashRange, &failed](vtkIdType begin, vtkIdType end)
  {
    if (!hashRange(begin, end))
    {
      failed = true;
    }
  };
  if (total > 1)
  {
    vtkSMPTools::For(0, total, 1, run);
  }
  else
  {
    run(0, total);
  }
  return !failed;
}

// The chunk digests of one plan, in order.
bool HashPlan(const ChunkPlan& plan, std::vector<vtkTrackedDigest>& digests)
{
  digests.assign(static_cast<std::size_t>(plan.Chunks), vtkTrackedDigest());
  return ForChunks(plan.Chunks,
    [&plan, &digests](vtkIdType begin, vtkIdType end)
    {
      bool hashed = true;
      for (vtkIdType chunk = begin; chunk < end; ++chunk)
      {
        hashed = plan.Hash(chunk, digests[chunk]) && hashed;
      }
      return hashed;
    });
}

// The chunk digests of every plan, in order: the chunks of all plans are hashed in one
// parallel pass, so that no thread waits at the end of each array.
bool HashPlans(
  const std::vector<ChunkPlan>& plans, std::vector<std::vector<vtkTrackedDigest>>& digests)
{
  // Plan p's chunks are [offsets[p], offsets[p + 1]) of the pass.
  std::vector<vtkIdType> offsets(plans.size() + 1, 0);
  digests.resize(plans.size());
  for (std::size_t p = 0; p < plans.size(); ++p)
  {
    offsets[p + 1] = offsets[p] + plans[p].Chunks;
    digests[p].assign(static_cast<std::size_t>(plans[p].Chunks), vtkTrackedDigest());
  }
  return ForChunks(offsets.back(),
    [&plans, &digests, &offsets](vtkIdType begin, vtkIdType end)
    {
      auto p = static_cast<std::size_t>(
        std::upper_bound(offsets.begin(), offsets.end(), begin) - offsets.begin() - 1);
      bool hashed = true;
      for (vtkIdType chunk = begin; chunk < end; ++chunk)
      {
        while (chunk >= offsets[p + 1])
        {
          ++p;
        }
        hashed = plans[p].Hash(chunk - offsets[p], digests[p][chunk - offsets[p]]) && hashed;
      }
      return hashed;
    });
}

vtkIdType ChunkCount(vtkIdType values, vtkIdType valuesPerChunk)
{
  return (values + valuesPerChunk - 1) / valuesPerChunk;
}

// Contiguous values: each chunk hashed in place, one-shot. (Streaming uncached arrays in
// small pieces with a prefetch ahead ran at 0.82 of this from memory on a Sapphire Rapids
// Xeon, single thread, and was dropped.)
ChunkPlan PlanContiguous(const unsigned char* bytes, std::size_t total)
{
  const vtkIdType chunkBytes = static_cast<vtkIdType>(vtkTrackedDigest::ChunkBytes);
  return { ChunkCount(static_cast<vtkIdType>(total), chunkBytes),
    [bytes, total](vtkIdType chunk, vtkTrackedDigest& digest)
    {
      const std::size_t begin = static_cast<std::size_t>(chunk) * vtkTrackedDigest::ChunkBytes;
      digest = FromHash(
        vtkTrackedXXH3::Hash(bytes + begin, std::min(vtkTrackedDigest::ChunkBytes, total - begin)));
      return true;
    } };
}

// SOA components in buffers of their own: each chunk's values interleaved into its hash.
ChunkPlan PlanComponents(std::vector<const void*> components, int valueSize, vtkIdType values)
{
  const vtkIdType chunkValues = static_cast<vtkIdType>(vtkTrackedDigest::ChunkBytes) / valueSize;
  return { ChunkCount(values, chunkValues),
    [components = std::move(components), valueSize, values, chunkValues](
      vtkIdType chunk, vtkTrackedDigest& digest)
    {
      const vtkIdType first = chunk * chunkValues;
      digest = FromHash(vtkTrackedXXH3::Active().OneShotTupleMajor(components.data(),
        static_cast<int>(components.size()), valueSize, static_cast<std::size_t>(first),
        static_cast<std::size_t>(std::min(values, first + chunkValues))));
      return true;
    } };
}

// Where an array's values live, for the paths that read them in place: one contiguous
// run (`contiguous`), or one buffer per component (`components`); neither for the rest.
struct ValueBuffers
{
  explicit ValueBuffers(vtkDataArray* array)
  {
    if (array->HasStandardMemoryLayout() && array->GetDataType() != VTK_BIT)
    {
      this->Contiguous = array->GetVoidPointer(0);
      return;
    }
    vtkTrackedWithSOAArray(array,
      [this](auto* soa)
      {
        using ValueType = typename std::remove_pointer_t<decltype(soa)>::ValueType;
        bool single = false;
        ValueType* values = vtkTrackedSOAStorage<ValueType>::SingleBuffer(soa, single);
        const int count = soa->GetNumberOfComponents();
        if (single || count == 1)
        {
          this->Contiguous = single ? values : soa->GetComponentArrayPointer(0);
          return;
        }
        this->Components.reserve(static_cast<std::size_t>(count));
        for (int c = 0; c < count; ++c)
        {
          this->Components.push_back(soa->GetComponentArrayPointer(c));
        }
      });
  }

  const void* Contiguous = nullptr;
  std::vector<const void*> Components;
};

// SOA, bit and other numeric layouts: each chunk's values packed piece by piece.
ChunkPlan PlanPacked(vtkDataArray* array, vtkIdType values, vtkArrayBufferPool* given)
{
  // Without a pool given, the plan holds one of its own (made only for arrays packed).
  vtkSmartPointer<vtkArrayBufferPool> pool = given;
  if (!pool)
  {
    pool = vtkSmartPointer<vtkArrayBufferPool>::New();
  }
  const int packedType = vtkArrayBufferPool::GetPackedDataType(array);
  const vtkIdType valueSize = vtkDataArray::GetDataTypeSize(packedType);
  const vtkIdType components = array->GetNumberOfComponents();
  const vtkIdType chunkValues = static_cast<vtkIdType>(vtkTrackedDigest::ChunkBytes) / valueSize;
  // No larger than the array: a small array leases a small buffer.
  const vtkIdType pieceTuples = std::max<vtkIdType>(1,
    std::min(
      array->GetNumberOfTuples(), static_cast<vtkIdType>(PieceBytes) / (valueSize * components)));
  return { ChunkCount(values, chunkValues),
    [array, values, pool, packedType, valueSize, components, chunkValues, pieceTuples](
      vtkIdType chunk, vtkTrackedDigest& digest)
    {
      const vtkIdType first = chunk * chunkValues;
      const vtkIdType last = std::min(values, first + chunkValues);
      vtkArrayBufferPool::Lease piece(pool.Get(), packedType, pieceTuples * components);
      if (!piece || piece.Get()->GetNumberOfValues() < pieceTuples * components)
      {
        return false; // the allocation failed
      }
      const auto* packed = static_cast<const unsigned char*>(piece.Get()->GetVoidPointer(0));
      Stream stream;
      // Whole tuples are packed; only the chunk's values are hashed.
      const vtkIdType tupleEnd = (last + components - 1) / components;
      for (vtkIdType tuple = first / components; tuple < tupleEnd; tuple += pieceTuples)
      {
        const vtkIdType pieceEnd = std::min(tupleEnd, tuple + pieceTuples);
        if (!pool->Pack(array, tuple, pieceEnd, piece.Get()))
        {
          return false;
        }
        const vtkIdType from = std::max(first, tuple * components);
        const vtkIdType to = std::min(last, pieceEnd * components);
        stream.Add(packed + (from - tuple * components) * valueSize,
          static_cast<std::size_t>((to - from) * valueSize));
      }
      digest = stream.Digest();
      return true;
    } };
}

// Strings and variants: each value's type, then its text or its binary number.
void AddVariant(Stream& stream, const vtkVariant& value)
{
  stream.AddValue<std::int32_t>(value.GetType());
  if (value.IsFloat() || value.IsDouble())
  {
    stream.AddValue<double>(value.ToDouble());
  }
  else if (value.IsNumeric())
  {
    stream.AddValue<vtkTypeInt64>(value.ToTypeInt64());
  }
  else
  {
    stream.AddText(value.ToString());
  }
}

ChunkPlan PlanValuesOneByOne(vtkAbstractArray* array, vtkIdType values)
{
  auto* strings = vtkStringArray::SafeDownCast(array);
  return { ChunkCount(values, vtkTrackedDigest::ChunkStrings),
    [array, values, strings](vtkIdType chunk, vtkTrackedDigest& digest)
    {
      Stream stream;
      const vtkIdType last = std::min(values, (chunk + 1) * vtkTrackedDigest::ChunkStrings);
      for (vtkIdType value = chunk * vtkTrackedDigest::ChunkStrings; value < last; ++value)
      {
        if (strings)
        {
          stream.AddText(strings->GetValue(value));
        }
        else
        {
          AddVariant(stream, array->GetVariantValue(value));
        }
      }
      digest = stream.Digest();
      return true;
    } };
}

// The plan of the path that reads `array`'s values fastest.
ChunkPlan PlanOf(vtkAbstractArray* array, vtkArrayBufferPool* pool)
{
  const vtkIdType values = array->GetNumberOfTuples() * array->GetNumberOfComponents();
  auto* dataArray = vtkDataArray::SafeDownCast(array);
  if (!dataArray)
  {
    return PlanValuesOneByOne(array, values);
  }
  ValueBuffers buffers(dataArray);
  const int valueSize = dataArray->GetDataTypeSize();
  if (buffers.Contiguous)
  {
    return PlanContiguous(static_cast<const unsigned char*>(buffers.Contiguous),
      static_cast<std::size_t>(values) * valueSize);
  }
  if (!buffers.Components.empty())
  {
    return PlanComponents(std::move(buffers.Components), valueSize, values);
  }
  return PlanPacked(dataArray, values, pool);
}

// An array's digest: its header, then its chunks' digests.
vtkTrackedDigest CombineChunks(vtkAbstractArray* array, const std::vector<vtkTrackedDigest>& chunks)
{
  Stream stream;
  stream.AddText("vtkTrackedArray/1");
  stream.AddValue<std::int32_t>(array->GetDataType());
  stream.AddValue<std::int32_t>(array->GetNumberOfComponents());
  stream.AddValue<vtkTypeInt64>(array->GetNumberOfTuples());
  for (const auto& chunk : chunks)
  {
    stream.AddDigest(chunk);
  }
  return stream.Digest();
}

void AddBlockName(Stream& stream, vtkInformation* metaData)
{
  stream.AddName(metaData && metaData->Has(vtkCompositeDataSet::NAME())
      ? metaData->Get(vtkCompositeDataSet::NAME())
      : nullptr);
}

// The digest of one array of the data object being written.
using ArrayDigestFunction = std::function<bool(vtkAbstractArray*, vtkTrackedDigest&)>;

class DataObjectWriter
{
public:
  DataObjectWriter(Stream& stream, const ArrayDigestFunction& arrayDigest)
    : Output(stream)
    , ArrayDigest(arrayDigest)
  {
  }

  bool Write(vtkDataObject* object, std::string& error)
  {
    this->Output.AddText(object->GetClassName());
    bool arraysDigested = true;
    vtkTrackedDataObjectArrays::VisitOwnArrays(object,
      [this, object, &arraysDigested, &error](
        const char* role, int attributeMask, vtkAbstractArray* array)
      {
        vtkTrackedDigest digest;
        if (!this->ArrayDigest(array, digest))
        {
          arraysDigested = false;
          error = std::string("cannot digest the array '") +
            (array->GetName() ? array->GetName() : "") + "' of a " + object->GetClassName();
          return;
        }
        this->Output.AddValue<std::uint8_t>('A');
        this->Output.AddText(role);
        this->Output.AddValue<std::int32_t>(attributeMask);
        this->Output.AddName(array->GetName());
        this->Output.AddDigest(digest);
      });
    if (!arraysDigested)
    {
      return false;
    }
    this->Output.AddValue<std::uint8_t>('E');
    if (auto* composite = vtkCompositeDataSet::SafeDownCast(object))
    {
      return this->WriteTree(composite, error);
    }
    this->WriteStructure(object);
    return true;
  }

private:
  // A composite node: a collection's assembly, then its children with their names
  // (empty children count).
  bool WriteTree(vtkCompositeDataSet* composite, std::string& error)
  {
    using vtkTrackedDataObjectArrays::TreeKind;
    const TreeKind kind = vtkTrackedDataObjectArrays::TreeKindOf(composite);
    if (kind == TreeKind::NotComposite)
    {
      error = std::string("no digest for a ") + composite->GetClassName(); // not covered
      return false;
    }
    if (kind == TreeKind::PartitionedCollection)
    {
      vtkDataAssembly* assembly =
        static_cast<vtkPartitionedDataSetCollection*>(composite)->GetDataAssembly();
      this->Output.AddText(assembly ? assembly->SerializeToXML(vtkIndent()) : std::string());
    }
    this->Output.AddValue<std::uint64_t>(
      vtkTrackedDataObjectArrays::NumberOfChildren(composite, kind));
    return vtkTrackedDataObjectArrays::VisitChildren(composite, kind,
      [this, &error](vtkDataObject* block, vtkInformation* metaData)
      {
        AddBlockName(this->Output, metaData);
        this->Output.AddValue<std::uint8_t>(block ? 1 : 0);
        return !block || this->Write(block, error);
      });
  }

  // What a leaf of a covered type (vtkTrackedDataObjectArrays::IsCovered) holds outside its arrays.
  void WriteStructure(vtkDataObject* object)
  {
    if (auto* image = vtkImageData::SafeDownCast(object))
    {
      this->Output.AddValues(image->GetExtent(), 6);
      this->Output.AddValues(image->GetOrigin(), 3);
      this->Output.AddValues(image->GetSpacing(), 3);
      this->Output.AddValues(image->GetDirectionMatrix()->GetData(), 9);
    }
    else if (auto* rectilinear = vtkRectilinearGrid::SafeDownCast(object))
    {
      this->Output.AddValues(rectilinear->GetExtent(), 6);
    }
    else if (auto* structured = vtkStructuredGrid::SafeDownCast(object))
    {
      this->Output.AddValues(structured->GetExtent(), 6);
    }
    // All else of the covered types is in their arrays.
  }

  Stream& Output;
  const ArrayDigestFunction& ArrayDigest;
};
}

//------------------------------------------------------------------------------
std::string vtkTrackedDigest::ToString() const
{
  std::string text;
  this->AssignText(text);
  return text;
}

//------------------------------------------------------------------------------
void vtkTrackedDigest::AssignText(std::string& text) const
{
  // On the path of every GetDigest(): written straight into `text` (no allocation when it
  // already has the length), High first, each most significant digit first: XXH3's
  // canonical (big-endian) form.
  text.resize(TextPrefix.size() + 32);
  char* written = &text[0];
  std::memcpy(written, TextPrefix.data(), TextPrefix.size());
  WriteHexDigits(this->High, written + TextPrefix.size());
  WriteHexDigits(this->Low, written + TextPrefix.size() + 16);
}

//------------------------------------------------------------------------------
bool vtkTrackedDigest::IsWellFormed(const std::string& text)
{
  return text.size() == TextPrefix.size() + 32 &&
    text.compare(0, TextPrefix.size(), TextPrefix.data(), TextPrefix.size()) == 0 &&
    std::all_of(text.begin() + TextPrefix.size(), text.end(),
      [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

//------------------------------------------------------------------------------
bool vtkTrackedDigest::OfArray(
  vtkAbstractArray* array, vtkArrayBufferPool* pool, vtkTrackedDigest& digest)
{
  // One plan, without the bookkeeping of several: on the path of every small digest.
  const ChunkPlan plan = PlanOf(array, pool);
  std::vector<vtkTrackedDigest> chunks;
  if (!HashPlan(plan, chunks))
  {
    return false;
  }
  digest = CombineChunks(array, chunks);
  return true;
}

//------------------------------------------------------------------------------
bool vtkTrackedDigest::OfArrays(const std::vector<vtkAbstractArray*>& arrays,
  vtkArrayBufferPool* pool, std::vector<vtkTrackedDigest>& digests)
{
  std::vector<ChunkPlan> plans;
  plans.reserve(arrays.size());
  for (vtkAbstractArray* array : arrays)
  {
    plans.push_back(PlanOf(array, pool));
  }
  std::vector<std::vector<vtkTrackedDigest>> chunks;
  if (!HashPlans(plans, chunks))
  {
    return false;
  }
  digests.resize(arrays.size());
  for (std::size_t a = 0; a < arrays.size(); ++a)
  {
    digests[a] = CombineChunks(arrays[a], chunks[a]);
  }
  return true;
}

//------------------------------------------------------------------------------
vtkTrackedDigest vtkTrackedDigest::OfText(const std::string& text)
{
  Stream stream;
  stream.AddText(text);
  return stream.Digest();
}

//------------------------------------------------------------------------------
bool vtkTrackedDigest::OfDataObject(vtkDataObject* object, const ArrayDigestsFunction& arrayDigests,
  vtkTrackedDigest& digest, std::string& error)
{
  if (!vtkTrackedDataObjectArrays::IsCovered(object, error))
  {
    error = "no digest: " + error;
    return false;
  }
  // Every array's digest first, in one call (one parallel pass over what is hashed); then
  // the writer asks for them in its order, and for any array the walk did not see.
  std::vector<vtkAbstractArray*> arrays;
  std::unordered_map<vtkAbstractArray*, vtkTrackedDigest> known;
  vtkTrackedDataObjectArrays::VisitArrays(object,
    [&arrays, &known](const char*, int, vtkAbstractArray* array)
    {
      if (known.emplace(array, vtkTrackedDigest()).second)
      {
        arrays.push_back(array);
      }
    });
  std::vector<vtkTrackedDigest> digests;
  if (arrayDigests(arrays, digests))
  {
    for (std::size_t a = 0; a < arrays.size(); ++a)
    {
      known[arrays[a]] = digests[a];
    }
  }
  else
  {
    known.clear(); // each asked again, alone, so that an error can name it
  }
  auto arrayDigest = [&known, &arrayDigests](vtkAbstractArray* array, vtkTrackedDigest& result)
  {
    auto found = known.find(array);
    if (found != known.end())
    {
      result = found->second;
      return true;
    }
    std::vector<vtkTrackedDigest> one;
    if (!arrayDigests({ array }, one))
    {
      return false;
    }
    result = one.front();
    return true;
  };
  Stream stream;
  stream.AddText("vtkTrackedDataObject/1");
  if (!DataObjectWriter(stream, arrayDigest).Write(object, error))
  {
    return false;
  }
  digest = stream.Digest();
  return true;
}

//------------------------------------------------------------------------------
vtkTrackedHasher::vtkTrackedHasher()
{
  static_assert(vtkTrackedXXH3::StateBytes <= sizeof(State), "the state does not fit");
  vtkTrackedXXH3::Active().Reset(this->State);
}

//------------------------------------------------------------------------------
vtkTrackedHasher::vtkTrackedHasher(const std::string& secret)
  : vtkTrackedHasher()
{
  if (secret.size() >= MinimumSecretBytes)
  {
    vtkTrackedXXH3::Active().ResetWithSecret(this->State, secret.data(), secret.size());
  }
}

//------------------------------------------------------------------------------
vtkTrackedHasher::~vtkTrackedHasher() = default;

//------------------------------------------------------------------------------
void vtkTrackedHasher::Add(const void* bytes, std::size_t length)
{
  vtkTrackedXXH3::Active().Update(this->State, bytes, length);
}

//------------------------------------------------------------------------------
void vtkTrackedHasher::AddTupleMajor(const void* const* components, int numberOfComponents,
  int valueSize, std::size_t firstValue, std::size_t endValue)
{
  vtkTrackedXXH3::Active().UpdateTupleMajor(
    this->State, components, numberOfComponents, valueSize, firstValue, endValue);
}

//------------------------------------------------------------------------------
vtkTrackedDigest vtkTrackedHasher::Digest() const
{
  return FromHash(vtkTrackedXXH3::Active().Digest(this->State));
}
