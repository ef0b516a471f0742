/* Internal, C++ only: the PDF syntax both poppler-side limit passes
 * (limits_decoded.cpp, limits_draws.cpp) read by hand. Included after
 * poppler's own headers (its Stream.h needs Object.h's definitions first). */
#ifndef DOCTAG_EXTRACT_LIMITS_SYNTAX_H
#define DOCTAG_EXTRACT_LIMITS_SYNTAX_H

#include <PDFDoc.h>
#include <Stream.h>

#include <cstring>
#include <vector>

namespace limits_syntax {

inline bool is_ws(unsigned char c)
{
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

inline bool is_delim(unsigned char c)
{
  return is_ws(c) || std::strchr("()<>[]{}/%", c);
}

/* Filters that decode a byte at a time with bounded state, run by us;
 * strCrypt is the decryption of an encrypted document's stream. */
inline bool cheap(StreamKind k)
{
  return k == strFlate || k == strLZW || k == strRunLength || k == strASCIIHex || k == strASCII85 || k == strCrypt;
}

/* Bytes read from a poppler stream at a time. */
constexpr size_t CHUNK = 65536;
/* A chain longer than this is not followed (each filter is a stream). */
constexpr size_t MAX_FILTERS = 16;

/* A stream's filters, outermost first: chain[0] is what the document's
 * reader gets, chain.back() the bytes in the file. False (and nothing to
 * read) when there are none or more than MAX_FILTERS. */
inline bool filter_chain(Stream *top, std::vector<Stream *> &chain)
{
  for (Stream *s = top; s && chain.size() < MAX_FILTERS; s = s->getNextStream())
    chain.push_back(s);
  return !chain.empty() && !chain.back()->getNextStream();
}

} // namespace limits_syntax

#endif
