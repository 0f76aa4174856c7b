# lines.rb: allocations of known size at known lines, for tests/test_interp.py.
#
# Each method below allocates at one line; the comment on that line says
# what CRuby 3.1 mallocs there, derived from its sources.  Ruby keeps its
# objects in slots of its own heap pages, and small array and hash buffers
# in its transient heap (32 MiB mapped once, buffers of up to 2 KiB): only
# what outgrows those is malloc'ed per object.
#
# GC.disable: a collection would move transient-heap buffers to malloc'ed
# memory, attributed to whatever line triggered it.  exit! skips Ruby's
# exit-time cleanup, so that t-end shows what the script held.
GC.disable

N_CHARS = 1_000_000
N_SLOTS = 100_000
N_PUSHES = 10_000

def make_string
  # rb_str_times: one block for the characters and a NUL,
  # 1,000,000 + 1 = 1,000,001 bytes (the String object is a heap slot).
  "x" * N_CHARS                                 # STRING_LINE
end

def make_array
  # Array.new(n): one block of 100,000 x 8 = 800,000 bytes (too large for
  # the transient heap).
  Array.new(N_SLOTS)                            # ARRAY_LINE
end

def grow_array
  items = []
  # Each push past the capacity (3 embedded slots at first) grows it to
  # capa / 2 (at least 16) + the new length (ary_double_capa); buffers of
  # up to 2 KiB (256 slots) live in the transient heap, the first larger
  # one is malloc'ed and the rest realloc'ed.
  N_PUSHES.times { |i| items << i }             # PUSH_LINE
  items
end

def nested
  make_string                                   # NESTED_LINE
end

$kept = [make_string, make_array, grow_array, nested]   # MAIN_LINE
$stdout.flush
exit!(0)
