/* libFuzzer target on the JBIG2 symbol dictionary decoder of the cost
 * check (libdoctag/extract/limits_jbig2.cpp), which reads untrusted coded
 * data before poppler does. An input is up to four dictionaries' segment
 * data, each after its length (2 bytes, big-endian); each refers to the
 * ones before it (their exported symbols are its input symbols, the last
 * one's contexts the ones it may use), and a fifth chunk, when there is
 * one, is a code table segment given to all of them. Besides the
 * sanitizers' findings it checks what the decoder promises: no more pixels
 * decoded than the budget unless it stopped there, and the exported
 * symbols of a dictionary sized as many as its header says, each in
 * poppler's layout. */
#include "extract/limits.h"

#include <cstdlib>
#include <memory>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  std::vector<std::vector<unsigned char>> chunks;
  while (size >= 2 && chunks.size() < 5) {
    size_t n = std::min<size_t>((size_t)data[0] << 8 | data[1], size - 2);
    chunks.emplace_back(data + 2, data + 2 + n);
    data += 2 + n;
    size -= 2 + n;
  }
  std::vector<const std::vector<unsigned char> *> tables;
  if (chunks.size() == 5)
    tables.push_back(&chunks[4]);
  std::vector<std::unique_ptr<pdf_jbig2_symbols>> dicts;
  std::vector<const pdf_jbig2_symbols *> inputs;
  const uint64_t max_one = 1 << 16, budget = 1 << 18;   /* small, for speed */
  for (size_t k = 0; k < chunks.size() && k < 4; k++) {
    auto out = std::make_unique<pdf_jbig2_symbols>();
    pdf_jbig2_symbol_sizes(chunks[k].data(), chunks[k].size(), inputs, max_one, budget, tables, out.get());
    if (!out->over && out->total > budget)
      abort();
    if (out->known && !out->exported.empty() && out->exported.size() != out->n_exported)
      abort();
    for (const pdf_jbig2_bitmap &b : out->exported)
      if (!b.data.empty() && b.data.size() != (size_t)b.h * (((size_t)b.w + 7) / 8) + 1)
        abort();
    inputs.push_back(out.get());
    dicts.push_back(std::move(out));
  }
  return 0;
}
