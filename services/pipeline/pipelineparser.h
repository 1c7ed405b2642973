// Reading pipelines/*.yaml strictly: every unknown key, bad value, unknown `needs` name and
// dependency cycle is a diagnostic at its line and column.
#pragma once

#include "core/diagnostic.h"
#include "core/yamlsource.h"
#include "pipeline/pipeline.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace launchdeck {

// The pipeline in `text` (named `path` in diagnostics), or nullopt when an error was found.
// Warnings leave the pipeline usable. Every finding is appended to `out`.
std::optional<Pipeline> parsePipeline(const QString& path, const QByteArray& text,
                                      Diagnostics& out);

// Reads the file first; an unreadable file is a critical finding.
std::optional<Pipeline> loadPipeline(const QString& path, Diagnostics& out);

// The same checks on a file already loaded, for the validation service.
void validatePipeline(const YamlFile& file, Diagnostics& out);

} // namespace launchdeck
