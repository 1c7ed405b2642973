// The checked JSON reading of query answers: escapes, numbers, sample values, skipped members.
#include "prometheus/answerscanner.h"

#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>

namespace launchdeck::prometheus::detail {

namespace {

constexpr int kMaxDepth = 64;

// Powers of ten a double holds exactly: a decimal mantissa of at most 2^53 divided by one of
// them is correctly rounded (Clinger's fast path), the very double from_chars gives.
constexpr double kExactPowers[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
constexpr std::uint64_t kMaxExactMantissa = std::uint64_t(1) << 53;
constexpr int kMaxDigits = 19; // 10^19 − 1 fits in a uint64_t
// How far from the end plainPairs stays, so that it can look at the bytes around a sample's
// numbers without checking for the end: fastDecimal gives up within 42 bytes (two runs of 20
// digits, a sign and a point), a time takes at most that, and a few bytes stand around them.
// A longer value goes to otherValue, which checks.
constexpr std::ptrdiff_t kPlainSlack = 128;

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// Eight ASCII digits at once (little-endian SWAR, as fast_float reads them): numbers are most of
// a range answer's bytes.
bool isEightDigits(std::uint64_t bytes)
{
    return (((bytes & 0xF0F0F0F0F0F0F0F0) |
             (((bytes + 0x0606060606060606) & 0xF0F0F0F0F0F0F0F0) >> 4)) == 0x3333333333333333);
}

std::uint32_t eightDigitsValue(std::uint64_t bytes)
{
    constexpr std::uint64_t mask = 0x000000FF000000FF;
    constexpr std::uint64_t mul1 = 0x000F424000000064; // 100 + (1000000 << 32)
    constexpr std::uint64_t mul2 = 0x0000271000000001; // 1 + (10000 << 32)
    bytes -= 0x3030303030303030;
    bytes = (bytes * 10) + (bytes >> 8);
    bytes = (((bytes & mask) * mul1) + (((bytes >> 16) & mask) * mul2)) >> 32;
    return std::uint32_t(bytes);
}

// Appends the digits at `p` to `mantissa`, counting them in `digits`; stops counting (and
// reading) once there are more than a uint64_t holds for sure.
inline const char* digitsOf(const char* p, const char* end, std::uint64_t& mantissaRef,
                            int& digitsRef)
{
    static_assert(std::endian::native == std::endian::little);
    std::uint64_t mantissa = mantissaRef; // locals: the stores through references would stay
    int digits = digitsRef;
    while (end - p >= 8 && digits + 8 <= kMaxDigits) {
        std::uint64_t bytes = 0;
        std::memcpy(&bytes, p, 8);
        if (!isEightDigits(bytes))
            break;
        mantissa = mantissa * 100000000 + eightDigitsValue(bytes);
        digits += 8;
        p += 8;
    }
    while (p < end && isDigit(*p)) {
        if (++digits > kMaxDigits)
            break;
        mantissa = mantissa * 10 + std::uint64_t(*p++ - '0');
    }
    mantissaRef = mantissa;
    digitsRef = digits;
    return p;
}

// A time as Prometheus writes it, followed by ',': ten digits of seconds (until the year 2286),
// then '.' and exactly three digits when there are milliseconds. The same double fastDecimal
// gives, with no loop and no branch on how many digits come.
inline bool prometheusTime(const char* p, double* time, const char** stop)
{
    std::uint64_t bytes = 0;
    std::memcpy(&bytes, p, 8);
    if (!isEightDigits(bytes) || !isDigit(p[8]) || !isDigit(p[9]))
        return false;
    const std::uint64_t seconds = std::uint64_t(eightDigitsValue(bytes)) * 100 +
                                  std::uint64_t(p[8] - '0') * 10 + std::uint64_t(p[9] - '0');
    if (p[10] == ',') {
        *time = double(seconds);
        *stop = p + 10;
        return true;
    }
    if (p[10] != '.' || !isDigit(p[11]) || !isDigit(p[12]) || !isDigit(p[13]) || p[14] != ',')
        return false;
    const std::uint64_t milliseconds = std::uint64_t(p[11] - '0') * 100 +
                                       std::uint64_t(p[12] - '0') * 10 + std::uint64_t(p[13] - '0');
    *time = double(seconds * 1000 + milliseconds) / 1e3;
    *stop = p + 14;
    return true;
}

#ifdef __SIZEOF_INT128__
__extension__ typedef unsigned __int128 Wide;

// Whether the positive double `candidate` is mantissa / 10^fraction rounded to nearest, ties to
// even: 0 when it is, else the direction of the one that is (+1 above, −1 below), in exact
// 128-bit integers: with the candidate M × 2^E, |mantissa / 10^fraction − M × 2^E| < 2^(E−1),
// scaled by 2 × 10^fraction × 2^−E so that nothing is lost. `unsure` for a power of two (its
// neighbour below is nearer than the one above) and for values too small for 128 bits.
int roundingError(std::uint64_t mantissa, std::uint64_t power, double candidate, bool* unsure)
{
    const auto bits = std::bit_cast<std::uint64_t>(candidate);
    constexpr std::uint64_t hidden = std::uint64_t(1) << 52;
    const std::uint64_t significand = (bits & (hidden - 1)) | hidden;
    const int exponent = int(bits >> 52) - 1075;
    // A power of two has a closer neighbour below than above; a too small value would not fit.
    if (significand == hidden || exponent < -62 || exponent > 12) {
        *unsure = true;
        return 0;
    }
    const Wide exact = exponent < 0 ? Wide(mantissa) << (1 - exponent) : Wide(mantissa) << 1;
    const Wide near = exponent < 0 ? (Wide(significand) * power) << 1
                                   : (Wide(significand) * power) << (1 + exponent);
    const Wide half = exponent < 0 ? Wide(power) : Wide(power) << exponent;
    const Wide distance = exact > near ? exact - near : near - exact;
    if (distance < half || (distance == half && significand % 2 == 0))
        return 0;
    return exact > near ? 1 : -1;
}

// mantissa / 10^fraction correctly rounded for a mantissa past 2^53 (up to 19 digits), where
// Clinger's fast path does not hold: the quotient of the rounded mantissa is at most a couple of
// units in the last place off, and exact integers tell which neighbour is right. False in the
// rare cases it cannot tell (a power of two near), which from_chars then reads.
bool roundedQuotient(std::uint64_t mantissa, int fraction, double* value)
{
    const auto power = std::uint64_t(kExactPowers[fraction]);
    double candidate = double(mantissa) / kExactPowers[fraction];
    for (int step = 0; step < 4; ++step) {
        bool unsure = false;
        const int direction = roundingError(mantissa, power, candidate, &unsure);
        if (unsure)
            return false;
        if (direction == 0) {
            *value = candidate;
            return true;
        }
        candidate = std::bit_cast<double>(std::bit_cast<std::uint64_t>(candidate) +
                                          std::uint64_t(std::int64_t(direction)));
    }
    return false;
}
#else
bool roundedQuotient(std::uint64_t, int, double*)
{
    return false;
}
#endif

bool hexCode(const char* at, const char* stop, char32_t* code)
{
    unsigned value = 0;
    if (stop - at < 4 || std::from_chars(at, at + 4, value, 16).ptr != at + 4)
        return false;
    *code = value;
    return true;
}

} // namespace

bool fastDecimal(const char* p, const char* end, double* value, const char** stop)
{
    const bool negative = p < end && *p == '-';
    if (negative)
        ++p;
    std::uint64_t mantissa = 0;
    int digits = 0;
    const char* start = p;
    p = digitsOf(p, end, mantissa, digits);
    if (p == start || digits > kMaxDigits)
        return false;
    int fraction = 0;
    if (p < end && *p == '.') {
        const char* fractionStart = ++p;
        p = digitsOf(p, end, mantissa, digits);
        fraction = int(p - fractionStart);
        if (fraction == 0 || digits > kMaxDigits)
            return false;
    }
    if (p < end && (*p == 'e' || *p == 'E'))
        return false;
    double result = double(mantissa); // correctly rounded, past 2^53 too
    if (mantissa <= kMaxExactMantissa)
        result /= kExactPowers[fraction];
    else if (fraction > 0 && !roundedQuotient(mantissa, fraction, &result))
        return false;
    *value = negative ? -result : result;
    *stop = p;
    return true;
}

bool parseSampleValue(const char* text, size_t length, double* value)
{
    const char* end = text + length;
    const char* stop = nullptr;
    if (fastDecimal(text, end, value, &stop) && stop == end)
        return true;
    const std::string_view view(text, length);
    if (view == "NaN") {
        *value = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    if (view == "+Inf" || view == "Inf") {
        *value = std::numeric_limits<double>::infinity();
        return true;
    }
    if (view == "-Inf") {
        *value = -std::numeric_limits<double>::infinity();
        return true;
    }
    const char* p = text < end && *text == '+' ? text + 1 : text;
    if (p >= end || (*p != '-' && !isDigit(*p)))
        return false;
    const auto parsed = std::from_chars(p, end, *value);
    return parsed.ec == std::errc() && parsed.ptr == end;
}

namespace {

// A sample value at `p` that fastDecimal did not read: its plain string (no escapes, no
// control characters) as parseSampleValue reads it; `stop` at the closing quote. Long
// mantissas, the common case here, go to from_chars straight away.
bool otherValue(const char* p, const char* end, double* value, const char** stop)
{
    const char* close = p;
    while (close < end && *close != '"') {
        if (*close == '\\' || static_cast<unsigned char>(*close) < 0x20)
            return false;
        ++close;
    }
    if (close >= end || close == p)
        return false;
    if (*p == '-' || isDigit(*p)) {
        const auto parsed = std::from_chars(p, close, *value);
        if (parsed.ec != std::errc() || parsed.ptr != close)
            return false;
    } else if (!parseSampleValue(p, size_t(close - p), value)) {
        return false;
    }
    *stop = close;
    return true;
}

} // namespace

bool AnswerScanner::plainPairs(std::vector<Sample>* out)
{
    const char* p = m_p;
    // Past `last` a sample may be cut short: the checked reading takes the final few.
    const char* const last = m_end - kPlainSlack;
    while (p < last && *p == '[') {
        Sample one;
        const char* q = nullptr;
        if (!(prometheusTime(p + 1, &one.time, &q) || fastDecimal(p + 1, m_end, &one.time, &q)) ||
            q[0] != ',' || q[1] != '"')
            break;
        const char* const value = q + 2;
        // The value read where it stands, without a first pass to find its closing quote.
        if (!fastDecimal(value, m_end, &one.value, &q) || *q != '"') {
            // NaN, ±Inf, exponents, long mantissas: rarer, read through otherValue.
            if (!otherValue(value, m_end, &one.value, &q) || m_end - q < 3)
                break;
        }
        if (q[1] != ']')
            break;
        out->push_back(one);
        q += 2;
        if (*q != ',') {
            m_p = q;
            return true;
        }
        p = q + 1;
    }
    m_p = p;
    return false;
}

bool AnswerScanner::fail(const QString& what)
{
    if (m_failure.isEmpty()) {
        if (m_p >= m_end)
            m_failure = u"the answer ends early, at byte " + QString::number(m_end - m_begin);
        else
            m_failure = what + u" at byte " + QString::number(m_p - m_begin);
    }
    return false;
}

bool AnswerScanner::escapedString(const char* start, const char** text, size_t* length,
                                  std::string* unescaped)
{
    unescaped->assign(start, size_t(m_p - start));
    while (m_p < m_end && *m_p != '"') {
        const unsigned char c = static_cast<unsigned char>(*m_p);
        if (c < 0x20)
            return fail(QStringLiteral("a control character inside a string"));
        if (c != '\\') {
            unescaped->push_back(*m_p++);
            continue;
        }
        if (m_end - m_p < 2) {
            m_p = m_end;
            return fail({});
        }
        const char kind = m_p[1];
        switch (kind) {
        case '"':
        case '\\':
        case '/':
            unescaped->push_back(kind);
            break;
        case 'b':
            unescaped->push_back('\b');
            break;
        case 'f':
            unescaped->push_back('\f');
            break;
        case 'n':
            unescaped->push_back('\n');
            break;
        case 'r':
            unescaped->push_back('\r');
            break;
        case 't':
            unescaped->push_back('\t');
            break;
        case 'u': {
            char32_t code = 0;
            if (!hexCode(m_p + 2, m_end, &code))
                return fail(QStringLiteral("a bad \\u escape"));
            m_p += 4;
            if (code >= 0xD800 && code <= 0xDBFF && m_end - m_p >= 8 && m_p[2] == '\\' &&
                m_p[3] == 'u') {
                char32_t low = 0;
                if (hexCode(m_p + 4, m_end, &low) && low >= 0xDC00 && low <= 0xDFFF) {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                    m_p += 6;
                }
            }
            if (code >= 0xD800 && code <= 0xDFFF)
                code = 0xFFFD; // a lone surrogate
            const QByteArray utf8 = QString::fromUcs4(&code, 1).toUtf8();
            unescaped->append(utf8.constData(), size_t(utf8.size()));
            break;
        }
        default:
            return fail(QStringLiteral("a bad escape in a string"));
        }
        m_p += 2;
    }
    if (m_p >= m_end)
        return fail({});
    ++m_p;
    *text = unescaped->data();
    *length = unescaped->size();
    return true;
}

bool AnswerScanner::string(QString* out)
{
    const char* text = nullptr;
    size_t length = 0;
    std::string unescaped;
    if (!rawString(&text, &length, &unescaped))
        return false;
    *out = QString::fromUtf8(text, qsizetype(length));
    return true;
}

bool AnswerScanner::key(std::string* name)
{
    const char* text = nullptr;
    size_t length = 0;
    if (!rawString(&text, &length, name))
        return false;
    if (text != name->data())
        name->assign(text, length);
    return expect(':');
}

bool AnswerScanner::number(double* out)
{
    space();
    const char* stop = nullptr;
    if (!fastDecimal(m_p, m_end, out, &stop)) {
        if (m_p >= m_end || (*m_p != '-' && !isDigit(*m_p)))
            return fail(QStringLiteral("expected a number"));
        const auto parsed = std::from_chars(m_p, m_end, *out);
        if (parsed.ec != std::errc())
            return fail(QStringLiteral("expected a number"));
        stop = parsed.ptr;
    }
    m_p = stop;
    return true;
}

bool AnswerScanner::skipValue(int depth)
{
    if (depth > kMaxDepth)
        return fail(QStringLiteral("values nested too deeply"));
    if (atEnd())
        return fail({});
    const char open = *m_p;
    if (open == '{' || open == '[') {
        const char close = open == '{' ? '}' : ']';
        ++m_p;
        if (take(close))
            return true;
        std::string name;
        do {
            if (open == '{' && !key(&name))
                return false;
            if (!skipValue(depth + 1))
                return false;
        } while (next(close));
        return !failed();
    }
    if (open == '"') {
        const char* text = nullptr;
        size_t length = 0;
        std::string unescaped;
        return rawString(&text, &length, &unescaped);
    }
    for (const std::string_view word :
         {std::string_view("true"), std::string_view("false"), std::string_view("null")}) {
        if (size_t(m_end - m_p) >= word.size() && std::memcmp(m_p, word.data(), word.size()) == 0) {
            m_p += word.size();
            return true;
        }
    }
    double ignored = 0;
    return number(&ignored);
}

} // namespace launchdeck::prometheus::detail
