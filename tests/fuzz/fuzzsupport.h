// What the fuzz programs share: a failure that names the program and the broken invariant, and
// read sizes drawn from the input so that stream decoders see their bytes cut anywhere, the same
// way on every run (libFuzzer replays a finding from its input alone).
#pragma once

#include <QByteArrayView>
#include <QString>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace launchdeck::fuzz {

[[noreturn]] inline void fail(const char* fuzzer, const QString& what)
{
    std::fprintf(stderr, "%s: %s\n", fuzzer, qPrintable(what));
    std::abort();
}

inline QByteArrayView bytesOf(const std::uint8_t* data, std::size_t size)
{
    return QByteArrayView(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
}

// Calls `read` with consecutive pieces of `bytes`: mostly 1 to 16 bytes, one in four up to 4 KiB,
// from a xorshift generator seeded with `seed`.
template <typename Read> void forEachChunk(QByteArrayView bytes, std::uint32_t seed, Read read)
{
    std::uint32_t state = 0x9e3779b9u ^ (seed * 0x85ebca6bu);
    if (state == 0)
        state = 1;
    while (!bytes.isEmpty()) {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        const std::uint32_t limit = (state & 0x300u) == 0 ? 4096u : 16u;
        const qsizetype size = std::min<qsizetype>(bytes.size(), 1 + qsizetype(state % limit));
        read(bytes.first(size));
        bytes = bytes.sliced(size);
    }
}

} // namespace launchdeck::fuzz
