// How the process's allocator treats the blocks a step's output streams through.
#pragma once

namespace launchdeck {

// Keeps memory the output streams free for the next blocks, process-wide and once. A step
// printing fast fills and frees megabytes a second in blocks of up to a few MiB; with the C
// library's sliding thresholds some of those blocks were mapped afresh and given back each time,
// and a run then paid a page fault for every 4 KiB it printed (about 10,000 for 2 million lines),
// in some processes and not others, depending on what had been freed before.
void keepStreamMemoryForReuse();

} // namespace launchdeck
