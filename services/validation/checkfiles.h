// Validation of many files at once, as `launchdeck validate` of a folder does it: the files are
// checked in parallel on every core, and their results come back in the order of the files.
#pragma once

#include "validation/validator.h"

#include <QList>
#include <QStringList>

namespace launchdeck {

// checkFile() of each path; the result at index i is that of paths[i], whichever core checked
// it and whenever it finished. Each file is checked on its own: no file's findings depend on
// another's, so the results are those of checking the files one after the other.
QList<FileCheck> checkFiles(const QStringList& paths, const ValidationOptions& options);

} // namespace launchdeck
