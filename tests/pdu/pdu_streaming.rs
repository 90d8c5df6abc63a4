//! `modempool pdu decode -` streams: each result is written before the next line is read,
//! and decoding 200,000 PDUs needs no more memory than decoding 2,000. Proved in-process with
//! a line generator, a counting writer and a counting allocator (counting the test's own
//! thread), so the figures are exact and do not depend on how busy the machine is or on the
//! other tests of the binary.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::{self, BufRead, Read, Write};
use std::rc::Rc;

use modempool::cli::pdu::{Output, decode};

/// Counts the live heap bytes of the thread being measured and their peak, so the test can
/// see whether memory grows with the number of inputs. The counters are per thread: the
/// other tests of this binary allocate on their own threads at the same time, and must not
/// show up in the figures.
struct CountingAllocator;

/// What the allocator counts on one thread: nothing until `measuring` is set.
struct Counters {
    measuring: Cell<bool>,
    live: Cell<isize>,
    peak: Cell<isize>,
}

thread_local! {
    // Const-initialised and without a destructor: reading it never allocates, so the
    // allocator can use it.
    static COUNTERS: Counters = const {
        Counters {
            measuring: Cell::new(false),
            live: Cell::new(0),
            peak: Cell::new(0),
        }
    };
}

/// Adds `change` to this thread's live bytes if it is being measured.
fn count(change: isize) {
    let _ = COUNTERS.try_with(|counters| {
        if counters.measuring.get() {
            let live = counters.live.get() + change;
            counters.live.set(live);
            counters.peak.set(counters.peak.get().max(live));
        }
    });
}

/// Runs `work` with this thread's allocations counted; returns its result and the peak
/// growth of the live heap, in bytes.
fn measured<T>(work: impl FnOnce() -> T) -> (T, usize) {
    COUNTERS.with(|counters| {
        counters.live.set(0);
        counters.peak.set(0);
        counters.measuring.set(true);
    });
    let result = work();
    let peak = COUNTERS.with(|counters| {
        counters.measuring.set(false);
        counters.peak.get()
    });
    (result, usize::try_from(peak).unwrap_or(0))
}

// SAFETY: every call is forwarded unchanged to the system allocator; the counters only watch.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            count(isize::try_from(layout.size()).unwrap_or(isize::MAX));
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        count(-isize::try_from(layout.size()).unwrap_or(isize::MAX));
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(pointer, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

const PDUS: [&str; 3] = [
    "07911326040000F0040B911346610089F60000208062917314480CC8F71D14969741F977FD07",
    "0006040D91945152991136F00160124130340A0160124130940A00",
    "0003",
];

/// Produces `total` PDU lines on demand and checks, before handing out line `n`, that the
/// decoder has already written the results of the lines before it.
struct LineSource {
    total: usize,
    produced: usize,
    current: Vec<u8>,
    position: usize,
    written_lines: Rc<Cell<usize>>,
    lagging: Rc<Cell<usize>>,
}

impl Read for LineSource {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let count = available.len().min(buffer.len());
        buffer[..count].copy_from_slice(&available[..count]);
        self.consume(count);
        Ok(count)
    }
}

impl BufRead for LineSource {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.position == self.current.len() && self.produced < self.total {
            // Every earlier line must already have its output line.
            if self.written_lines.get() < self.produced {
                self.lagging.set(self.lagging.get() + 1);
            }
            self.current.clear();
            self.current
                .extend_from_slice(PDUS[self.produced % PDUS.len()].as_bytes());
            self.current.push(b'\n');
            self.position = 0;
            self.produced += 1;
        }
        Ok(&self.current[self.position..])
    }

    fn consume(&mut self, amount: usize) {
        self.position = (self.position + amount).min(self.current.len());
    }
}

/// Counts output lines and drops them.
struct LineCounter {
    lines: Rc<Cell<usize>>,
}

impl Write for LineCounter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let newlines = data.iter().filter(|&&octet| octet == b'\n').count();
        self.lines.set(self.lines.get() + newlines);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Decodes `total` generated lines; returns the peak heap growth in bytes.
fn decode_lines(total: usize) -> usize {
    let written = Rc::new(Cell::new(0));
    let lagging = Rc::new(Cell::new(0));
    let mut source = LineSource {
        total,
        produced: 0,
        current: Vec::with_capacity(128),
        position: 0,
        written_lines: written.clone(),
        lagging: lagging.clone(),
    };
    let mut sink = LineCounter {
        lines: written.clone(),
    };
    let inputs = vec!["-".to_owned()];
    let (summary, growth) = measured(|| decode(&inputs, Output::Json, &mut source, &mut sink));
    let summary = summary.expect("decodes");
    assert_eq!(written.get(), total, "one output line per input line");
    assert_eq!(
        lagging.get(),
        0,
        "a line was read before the previous result was written"
    );
    assert_eq!(summary.decoded + summary.invalid, total as u64);
    // Every third line is the invalid "0003".
    assert_eq!(summary.invalid, (total / 3) as u64);
    growth
}

// One test function, the two runs one after the other on its thread.
#[test]
fn decoding_streams_in_constant_memory() {
    let small = decode_lines(2_000);
    let large = decode_lines(200_000);
    println!("peak heap growth: {small} bytes for 2,000 lines, {large} for 200,000");
    assert!(
        large < 64 * 1024,
        "peak heap growth {large} bytes for 200,000 lines"
    );
    assert!(
        large <= small + 4 * 1024,
        "memory grows with input: {small} bytes for 2,000 lines, {large} for 200,000"
    );
}
