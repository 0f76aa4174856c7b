/* rules.js: the findings rules, GENERATED from python/heaphunt/rules.json by
   scripts/gen-viewer-rules.py: edit rules.json and run the script, not this
   file.  The thresholds of every finding kind and the expressions that tell
   allocation wrappers and library frames from the program's own, shared
   with `heaphunt report` (docs/findings.md explains each). */
"use strict";
HH.define("rules", [], function () {
    return {
        "about": "heaphunt's findings rules: the thresholds of every finding kind, and which frames are allocation plumbing or library code rather than the program's own. Read by the Python package (python/heaphunt/rules.py) and by the viewer (viewer/js/rules.js, generated from this file by scripts/gen-viewer-rules.py; tests/test_findings_parity.py fails if the two differ). Every key is explained in docs/findings.md.",
        "thresholds": {
            "max_per_kind": 5,
            "stale_window_percent": 20,
            "leak_stale_min_percent": 50,
            "never_accessed_min_percent": 50,
            "write_only_min_percent": 50,
            "write_only_max_read_percent_of_writes": 10,
            "short_lived_min_percent": 50,
            "short_lived_min_blocks": 10,
            "stale_before_free_min_percent": 50,
            "peak_min_percent": 10,
            "pileup_min_peak_percent": 1,
            "pileup_min_rise_percent": 25,
            "pileup_min_rising_instants": 3,
            "pileup_max_step_percent": 60,
            "pileup_base_percent": 10,
            "pileup_level_percent": 90,
            "pileup_plateau_min_percent": 25,
            "startup_percent": 50
        },
        "frames": {
            "alloc": [
                {
                    "re": "\\(in [^)]*/vgpreload_[^)/]*\\)$",
                    "why": "Valgrind's preloads (DHAT lists malloc in vgpreload_dhat-*.so as the first frame)"
                },
                {
                    "re": "^(malloc|calloc|realloc|reallocarray|free|memalign|posix_memalign|aligned_alloc|valloc|pvalloc|__libc_(malloc|calloc|realloc|memalign))\\b",
                    "why": "the C allocator"
                },
                {
                    "re": "^operator new\\b",
                    "why": "C++ operator new"
                },
                {
                    "re": "\\((new_allocator|allocator|alloc_traits)\\.h:\\d+\\)$",
                    "why": "libstdc++'s allocator headers"
                },
                {
                    "re": "^<*(alloc::alloc::|alloc::raw_vec::|(__rustc::)?(__rust_alloc|__rust_alloc_zeroed|__rust_realloc|__rdl_alloc|__rdl_alloc_zeroed|__rdl_realloc|__rg_alloc|__rg_realloc)\\b)",
                    "why": "Rust's global allocator and RawVec"
                },
                {
                    "re": "^[A-Za-z_][\\w#{}]*(<.*>)? \\((alloc|raw_vec)\\.rs:\\d+\\)$",
                    "why": "Rust's alloc.rs and raw_vec.rs, inlined (a short function name)"
                },
                {
                    "re": "^(aligned_malloc|alloc|alloc_zeroed|realloc) \\(unix\\.rs:\\d+\\)$",
                    "why": "Rust's system allocator (std's sys/alloc/unix.rs), inlined"
                },
                {
                    "re": "^(ruby_xmalloc\\w*|ruby_xcalloc\\w*|ruby_xrealloc\\w*|ruby_mimmalloc|objspace_xmalloc\\w*|objspace_xcalloc\\w*|objspace_xrealloc\\w*|rb_xmalloc_mul_add\\w*|rb_xrealloc_mul_add|rb_xcalloc_mul_add\\w*|rb_alloc_tmp_buffer\\w*|rb_aligned_malloc|ary_heap_alloc|ary_heap_realloc|ary_resize_capa|ary_ensure_room_for_push|ary_double_capa|heap_page_allocate|heap_assign_page|heap_increment)\\b",
                    "why": "Ruby's allocation wrappers"
                },
                {
                    "re": "^(PyMem_\\w+|_PyMem_\\w+|PyObject_(Malloc|Calloc|Realloc|GC_\\w+)|_PyObject_\\w+|pymalloc_\\w+|new_arena|gc_alloc)\\b",
                    "why": "Python's allocation wrappers"
                }
            ],
            "library": [
                {
                    "re": "^<*(alloc|core|std|hashbrown|std_detect|panic_unwind|addr2line|gimli|miniz_oxide|rustc_demangle)::",
                    "why": "Rust's standard library, by crate path"
                },
                {
                    "re": "(^|[ (/])library/(alloc|core|std)/src/",
                    "why": "Rust's standard library, by source path"
                },
                {
                    "re": "/rustc/[0-9a-f]{10,}/|/usr/src/rustc-[\\d.]+/",
                    "why": "Rust's standard library, by the path rustc records"
                },
                {
                    "re": "\\((/usr/share/cargo/registry|[^()]*/\\.cargo/registry/src|/rust/deps)/",
                    "why": "the Rust crates a program depends on, by the directory of their source (hhFrameDirs): Debian's packaged crates, cargo's downloaded ones, the standard library's own"
                },
                {
                    "re": "\\(/usr/include/",
                    "why": "the C and C++ libraries' headers, by the directory of their source (hhFrameDirs): their code inlined into the program's"
                },
                {
                    "re": "\\(\\./[\\w-]+/\\.\\.?/",
                    "why": "the C library by the directory of its source (hhFrameDirs): Debian's glibc records ./libio/./libio, ./elf/../sysdeps/..."
                },
                {
                    "re": "^[A-Za-z_{][\\w#{}]*(<.*>)? \\((boxed|rc|sync|string|vec|spec_from_elem|spec_extend|spec_from_iter|spec_from_iter_nested|in_place_collect|convert|function|option|result|clone|iterator|cell|thread_info|current|stack_overflow|panicking|panic|rt|lang_start)\\.rs:\\d+\\)$",
                    "why": "Rust's standard library, inlined (a short function name in one of std's files)"
                },
                {
                    "re": "^[A-Za-z_{][\\w#{}]*<.*\\b(alloc|core|std)::.*> \\([\\w.]+\\.rs:\\d+\\)$",
                    "why": "Rust's standard library, inlined (a short function name whose type parameters are std's)"
                },
                {
                    "re": "^<*(tokio|tokio_util|tokio_stream|mio|futures|futures_\\w+|async_std|async_task|smol|hyper|h2|http|bytes|tower|tower_\\w+|tracing|tracing_\\w+|parking_lot|parking_lot_core|lock_api|crossbeam|crossbeam_\\w+|rayon|rayon_core|hashbrown|indexmap|smallvec|slab|once_cell|lazy_static|serde|serde_json|regex|regex_\\w+|aho_corasick|memchr)::",
                    "why": "common Rust crates the program uses (an async runtime, collections, ...): their frames are plumbing too; add yours with --skip-frames"
                },
                {
                    "re": "^(std|__gnu_cxx|__cxxabiv1)::|^void (std|__gnu_cxx)::",
                    "why": "the C++ standard library, by namespace"
                },
                {
                    "re": "\\((stl_\\w+|basic_string|cow_string|char_traits|unique_ptr|shared_ptr\\w*|std_function|hashtable\\w*|functional_hash|node_handle|move|invoke|refwrap|ptr_traits|uses_allocator|sstream|istream|ostream|streambuf\\w*|fstream|ios_base|locale\\w*|string_view|vector|deque|list|string)\\.(h|tcc):\\d+\\)$",
                    "why": "the C++ standard library's headers (bits/*.h, *.tcc)"
                },
                {
                    "re": "\\(in [^)]*/libstdc\\+\\+\\.so[^)/]*\\)$",
                    "why": "libstdc++"
                },
                {
                    "re": "\\(in [^)]*/(libc|libm|libpthread|libdl|libresolv|librt|libnss_\\w+|ld-linux[\\w-]*)\\.so[^)/]*\\)$",
                    "why": "the C library and the dynamic linker"
                },
                {
                    "re": "^(_IO_\\w+|__GI_\\w+|__libc_\\w+|_dl_\\w+|__fopen_internal|fopen(64)?|fdopen|popen|getdelim|__getdelim|getline|strdup|__strdup|strndup|__strndup|asprintf|vasprintf|__vasprintf_internal|open_memstream|setlocale|_nl_\\w+|new_composite_name|tzset_internal|__tzfile_read|__nss_\\w+|nss_\\w+|__gconv\\w*|qsort\\w*|__qsort\\w*|msort_with_tmp|opendir|__opendir|__alloc_dir|fdopendir|scandir\\w*|realpath|__realpath|getpw\\w+|getgr\\w+|pthread_\\w+|__pthread_\\w+|dlopen\\w*|_dlerror_run|call_init|dl_open_worker\\w*|__res_\\w+|getaddrinfo|gaih_inet\\w*|regcomp|re_compile_\\w+|__cxa_atexit|__new_exitfn|__cxa_thread_atexit_impl|setvbuf|vfprintf\\w*|__vfprintf_internal|printf_positional|_start|__libc_start_main\\w*|__libc_start_call_main)\\b",
                    "why": "the C library's and the dynamic linker's functions that allocate (when they have line information)"
                },
                {
                    "re": "\\(in [^)]*/libruby[^)/]*\\)$|\\(in [^)]*/bin/ruby[\\d.]*\\)$",
                    "why": "the Ruby interpreter"
                },
                {
                    "re": "\\(in [^)]*/(lib)?python3[\\d.]*(\\.so[\\d.]*)?\\)$",
                    "why": "the Python interpreter"
                },
                {
                    "re": " \\[ruby\\] \\((<internal:[^>]*>|/usr/lib/ruby/[^)]*|[^)]*/gems/[^)]*|[^)]*/vendor_ruby/[^)]*)(:\\d+)?\\)$",
                    "why": "Ruby's standard library and gems (interpreted frames)"
                },
                {
                    "re": "^(block (\\(\\d+ levels\\) )?in )?(ActiveSupport|ActiveRecord|ActiveModel|ActionController|ActionDispatch|ActionView|ActiveJob|Rails|Rack|Concurrent|I18n|Gem|Bundler)(::|#|\\.).* \\[ruby\\] \\([^()]*\\)$|^Kernel#(require|require_relative|load) \\[ruby\\] \\([^()]*\\)$",
                    "why": "Rails' and common gems' code, and require, by name (interpreted frames whose file does not say where it is installed)"
                },
                {
                    "re": " \\[ruby\\] \\(<cfunc>\\)$",
                    "why": "Ruby's methods written in C (String#*, Array#push, Integer#times): the script's line that called them is below"
                },
                {
                    "re": " \\[python\\] \\(([^)]*/lib/python3[\\d.]*/[^)]*|[^)]*/(site|dist)-packages/[^)]*|<frozen [^>]*>)(:\\d+)?\\)$",
                    "why": "Python's standard library and installed packages (interpreted frames)"
                },
                {
                    "re": "^\\(below main\\)",
                    "why": "Valgrind's name for the frames below main (the C library's start-up)"
                },
                {
                    "re": "^\\?\\?\\?$",
                    "why": "a code address with no symbol and no object (nothing to change there)"
                }
            ],
            "keep": [
                {
                    "re": "^rb_(ec_)?wb_(un)?protected_newobj_of \\(in [^)]*/libruby[^)/]*\\)$",
                    "why": "Ruby's object heap growing (a new page, made while some line needed a slot for an object): the collector's pool, not what that line made, so a place of its own"
                }
            ]
        }
    };
});
