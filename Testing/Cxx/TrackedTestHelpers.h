// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// Test helpers: arrays of every layout holding the same values, error capture, PrintSelf.
#ifndef TrackedTestHelpers_h
#define TrackedTestHelpers_h

#include "vtkBitArray.h"
#include "vtkCallbackCommand.h"
#include "vtkCommand.h"
#include "vtkGenericDataArray.h"
#include "vtkLogger.h"
#include "vtkNew.h"
#include "vtkObjectFactory.h"
#include "vtkPoints.h"
#include "vtkSOADataArrayTemplate.h"
#include "vtkSmartPointer.h"
#include "vtkUnstructuredGrid.h"
#include "vtkVersionMacros.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

/**
 * A numeric array of neither AOS nor SOA layout (values in a std::vector, no raw
 * pointer), standing for the implicit and mapped arrays that take the generic paths.
 */
template <typename T>
class TrackedGenericArray : public vtkGenericDataArray<TrackedGenericArray<T>, T>
{
  using GenericDataArrayType = vtkGenericDataArray<TrackedGenericArray<T>, T>;
  friend GenericDataArrayType;

public:
  vtkAbstractTemplateTypeMacro(TrackedGenericArray<T>, GenericDataArrayType);
  vtkAOSArrayNewInstanceMacro(TrackedGenericArray<T>);
  static TrackedGenericArray* New() { VTK_STANDARD_NEW_BODY(TrackedGenericArray<T>); }

  T GetValue(vtkIdType valueIdx) const { return this->Values[valueIdx]; }
  void SetValue(vtkIdType valueIdx, T value) { this->Values[valueIdx] = value; }
  void GetTypedTuple(vtkIdType tupleIdx, T* tuple) const
  {
    for (int c = 0; c < this->NumberOfComponents; ++c)
    {
      tuple[c] = this->GetTypedComponent(tupleIdx, c);
    }
  }
  void SetTypedTuple(vtkIdType tupleIdx, const T* tuple)
  {
    for (int c = 0; c < this->NumberOfComponents; ++c)
    {
      this->SetTypedComponent(tupleIdx, c, tuple[c]);
    }
  }
  T GetTypedComponent(vtkIdType tupleIdx, int compIdx) const
  {
    return this->Values[tupleIdx * this->NumberOfComponents + compIdx];
  }
  void SetTypedComponent(vtkIdType tupleIdx, int compIdx, T value)
  {
    this->Values[tupleIdx * this->NumberOfComponents + compIdx] = value;
  }

protected:
  TrackedGenericArray() = default;
  ~TrackedGenericArray() override = default;
  bool AllocateTuples(vtkIdType tuples)
  {
    this->Values.assign(tuples * this->NumberOfComponents, T());
    return true;
  }
  bool ReallocateTuples(vtkIdType tuples)
  {
    this->Values.resize(tuples * this->NumberOfComponents);
    return true;
  }

private:
  std::vector<T> Values;
};

/**
 * An array of type ArrayT with `tuples` x `components` values value(i) = f(i).
 */
template <typename ArrayT, typename F>
vtkSmartPointer<ArrayT> MakeFilled(vtkIdType tuples, int components, F&& value)
{
  auto array = vtkSmartPointer<ArrayT>::New();
  array->SetNumberOfComponents(components);
  array->SetNumberOfTuples(tuples);
  for (vtkIdType i = 0; i < tuples * components; ++i)
  {
    array->SetVariantValue(i, vtkVariant(value(i)));
  }
  return array;
}

// An unstructured grid of the 8 corners of the unit cube, without cells.
inline vtkSmartPointer<vtkUnstructuredGrid> MakeCubeGrid()
{
  auto grid = vtkSmartPointer<vtkUnstructuredGrid>::New();
  vtkNew<vtkPoints> points;
  for (int i = 0; i < 8; ++i)
  {
    points->InsertNextPoint(i & 1, (i >> 1) & 1, (i >> 2) & 1);
  }
  grid->SetPoints(points);
  return grid;
}

/**
 * Reallocates `array` as vtkAbstractArray::Resize() does before VTK 9.7 deprecated it:
 * there, through ReserveTuples() to room for at least `tuples` (nothing when it has that
 * already), or to exactly `tuples` through SetNumberOfTuples() and Squeeze(), dropping the
 * tuples beyond.
 */
inline void ResizeCapacity(vtkAbstractArray* array, vtkIdType tuples)
{
#if VTK_VERSION_NUMBER >= VTK_VERSION_CHECK(9, 7, 0)
  if (tuples >= array->GetNumberOfTuples())
  {
    array->ReserveTuples(tuples);
    return;
  }
  array->SetNumberOfTuples(tuples);
  array->Squeeze();
#else
  array->Resize(tuples);
#endif
}

// Catches the errors an object reports (vtkErrorMacro fires ErrorEvent when observed).
class ErrorCatcher
{
public:
  explicit ErrorCatcher(vtkObject* subject)
    : Subject(subject)
  {
    this->Command->SetClientData(this);
    this->Command->SetCallback(
      [](vtkObject*, unsigned long, void* self, void* message) {
        static_cast<ErrorCatcher*>(self)->Messages.emplace_back(static_cast<const char*>(message));
      });
    this->Tag = subject->AddObserver(vtkCommand::ErrorEvent, this->Command);
  }
  ~ErrorCatcher() { this->Subject->RemoveObserver(this->Tag); }
  bool Caught(const std::string& fragment) const
  {
    for (const auto& message : this->Messages)
    {
      if (message.find(fragment) != std::string::npos)
      {
        return true;
      }
    }
    return false;
  }
  std::vector<std::string> Messages;

private:
  vtkObject* Subject;
  vtkNew<vtkCallbackCommand> Command;
  unsigned long Tag = 0;
};

// Collects the messages vtkLogger sends at INFO or more important, until Stop() or the end.
class LogCapture
{
public:
  LogCapture()
  {
    vtkLogger::AddCallback(
      Name,
      [](void* lines, const vtkLogger::Message& message)
      { static_cast<std::vector<std::string>*>(lines)->emplace_back(message.message); },
      &this->Lines, vtkLogger::VERBOSITY_INFO);
  }
  ~LogCapture() { this->Stop(); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;
  void Stop() { vtkLogger::RemoveCallback(Name); }
  std::vector<std::string> Lines;

private:
  static constexpr const char* Name = "tracked-test-capture";
};

// Expects `object`'s printout to contain each of `fields` ("Name: value" fragments).
inline void ExpectPrintsEvery(vtkObject* object, std::initializer_list<const char*> fields)
{
  std::ostringstream printed;
  object->Print(printed);
  for (const char* field : fields)
  {
    EXPECT_NE(printed.str().find(field), std::string::npos) << field << " in\n" << printed.str();
  }
}

#endif
