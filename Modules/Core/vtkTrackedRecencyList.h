// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
/**
 * @class vtkTrackedRecencyList
 * @brief Private: items in the order they were last used, most recent first.
 *
 * The least-recently-used order that the entry store and the digest memo share. Insert()
 * gives each item a position that stays valid while other items come and go; its owner
 * keeps it, and Touch() moves the item to the front in O(1) when it is used again.
 * Not thread-safe: its owner's lock guards it.
 *
 * @sa vtkTrackedEntryStore, vtkTrackedDigestMemo
 */

#ifndef vtkTrackedRecencyList_h
#define vtkTrackedRecencyList_h

#include <cstddef> // for std::size_t
#include <list>    // for the stable positions

template <typename Item>
class vtkTrackedRecencyList
{
public:
  using Position = typename std::list<Item>::iterator;
  using ConstIterator = typename std::list<Item>::const_iterator;

  /// Adds `item` as the most recently used and returns its position.
  Position Insert(const Item& item)
  {
    this->Items.push_front(item);
    return this->Items.begin();
  }
  /// Marks the item at `position` as the most recently used.
  void Touch(Position position) { this->Items.splice(this->Items.begin(), this->Items, position); }
  void Erase(Position position) { this->Items.erase(position); }
  void EraseOldest() { this->Items.pop_back(); }
  /// The least recently used item (the list is not empty).
  const Item& Oldest() const { return this->Items.back(); }
  bool IsEmpty() const { return this->Items.empty(); }
  std::size_t GetSize() const { return this->Items.size(); }
  /// Most recent first.
  ConstIterator begin() const { return this->Items.begin(); }
  ConstIterator end() const { return this->Items.end(); }

private:
  std::list<Item> Items;
};

#endif
