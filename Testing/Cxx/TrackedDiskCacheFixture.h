// SPDX-FileCopyrightText: Copyright (c) TrackedArrayCache contributors
// SPDX-License-Identifier: BSD-3-Clause
// The fixture of the disk cache suites: a fresh private directory per test, and the
// worker process (TrackedDiskCacheWorker) started beside the test program.
#ifndef TrackedDiskCacheFixture_h
#define TrackedDiskCacheFixture_h

#include "vtkNew.h"
#include "vtkSmartPointer.h"
#include "vtkTrackedDiskCache.h"

#include <gtest/gtest.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

// A fresh private directory per test, removed afterwards.
class TrackedDiskCacheTest : public ::testing::Test
{
protected:
  void SetUp() override
  {
    char pattern[] = "/tmp/tracked-disk-cache-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    this->Root = pattern;
    this->Directory = this->Root + "/cache";
    this->Cache->SetDirectory(this->Directory);
  }
  void TearDown() override
  {
    ::chmod(this->Directory.c_str(), 0700);
    std::system(("rm -rf '" + this->Root + "'").c_str());
  }

  std::vector<std::string> Files(const std::string& prefix = "") const
  {
    std::vector<std::string> names;
    if (DIR* listing = ::opendir(this->Directory.c_str()))
    {
      while (dirent* item = ::readdir(listing))
      {
        const std::string name = item->d_name;
        if (name != "." && name != ".." && name != ".secret" &&
          name.compare(0, prefix.size(), prefix) == 0)
        {
          names.push_back(name);
        }
      }
      ::closedir(listing);
    }
    return names;
  }

  vtkSmartPointer<vtkObject> Load(vtkTrackedDiskCache* cache, const std::string& key)
  {
    vtkSmartPointer<vtkObject> loaded;
    loaded.TakeReference(cache->Get(key));
    return loaded;
  }

  std::string Root;
  std::string Directory;
  vtkNew<vtkTrackedDiskCache> Cache;
};

inline std::string WorkerPath()
{
  char self[4096];
  const ssize_t length = ::readlink("/proc/self/exe", self, sizeof(self) - 1);
  std::string path = length > 0 ? std::string(self, length) : std::string();
  return path.substr(0, path.rfind('/') + 1) + "TrackedDiskCacheWorker";
}

// Starts the worker with `arguments`; its standard output goes to `output` if given.
inline pid_t StartWorker(const std::vector<std::string>& arguments, const std::string& output = "")
{
  const pid_t child = ::fork();
  if (child == 0)
  {
    if (!output.empty())
    {
      const int fd = ::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(fd, 1);
    }
    std::vector<char*> argv;
    const std::string worker = WorkerPath();
    argv.push_back(const_cast<char*>(worker.c_str()));
    for (const auto& argument : arguments)
    {
      argv.push_back(const_cast<char*>(argument.c_str()));
    }
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return child;
}

inline int Wait(pid_t child)
{
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

inline std::string ReadFile(const std::string& path)
{
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Puts `bytes` at `path` as a new file: entries are read-only, and a process that is not
// root could not truncate one to write into it.
inline void ReplaceFile(const std::string& path, const std::string& bytes)
{
  ::unlink(path.c_str());
  std::ofstream(path, std::ios::binary) << bytes;
}

#endif
