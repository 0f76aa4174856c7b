/*--------------------------------------------------------------------*/
/*--- heaphunt: profile file names and files         hh_outfile.c ---*/
/*--------------------------------------------------------------------*/

/* Where a profile goes, and how it gets there complete or not at all.

   Names.  A name (--heaphunt-out-file, a HEAPHUNT_DUMP path, a monitor
   command's file) may hold %p, the process id, expanded each time a
   profile is written so that a forked child names its own; %q{VAR}, the
   value VAR had when the program started; and %%.  The environment is
   copied once, at start-up, and every %q{VAR} is taken from that copy:
   a program that unsets or overwrites VAR (setproctitle does) still
   gets its profile under the name the user meant.  A name that begins
   with '~' is refused (no shell expands it here); a relative name is
   relative to the directory Valgrind started in, as for Valgrind's own
   file options.  The out-file is checked at start-up, before the
   program runs: its syntax, its %q{VAR}s (set, not empty), and that a
   profile can be created where it points (by creating and removing a
   temporary file there).

   Files.  A profile is written to a temporary file in the directory of
   its target and renamed over the target once every byte is written,
   so that a reader never sees half a profile.  The temporary is
   created with O_CREAT | O_EXCL | O_NOFOLLOW under a name with a random
   part, so that nothing planted at a name (a symbolic link to a victim
   file) is ever followed, and two processes writing the same target
   (the same pid in two containers that share a volume) never share a
   temporary.  Its name is

     <target's name>.tmp-<pid>-<machine tag><random>

   where the machine tag (7 characters) is a hash of the boot id and the
   pid namespace, so that the pid means something to whoever reads it.
   The target's name is shortened in the temporary (never in the final
   name) so that the longest legal names still have room for the
   suffix.  A target that is a symbolic link is written through: the
   file it points at is replaced, as DHAT's direct write changes it.  A
   target that exists and is not a regular file (/dev/null, a FIFO) is
   written in place.

   Stale temporaries.  A process killed while it writes (SIGKILL, a
   crash) leaves its temporary behind.  At start-up heaphunt removes
   those of its out-file's names (the out-file, its --dump-every
   numbers and its .pre-exec name, %p matching any pid): files owned by
   this user, whose machine tag is this machine's and this pid
   namespace's, and whose pid is no process that exists.  Nothing else
   is touched. */

#include "pub_tool_basics.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcfile.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_libcproc.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_options.h"
#include "pub_tool_vki.h"

#include "hh_tool.h"

/* Linux's values; the SDK's vki headers for amd64 leave them out. */
#define HH_O_NOFOLLOW    0400000
#define HH_ENAMETOOLONG  36
#define HH_EDQUOT        122
#define HH_NAME_MAX      255          // bytes in one path component
#define HH_SYMLINK_HOPS  40           // as the kernel allows

/* ".tmp-" + pid (10 digits at most) + "-" + tag + random part. */
#define HH_TAG_CHARS     7
#define HH_RANDOM_CHARS  6
#define HH_TMP_MARK      ".tmp-"
#define HH_TMP_SUFFIX_MAX (5 + 10 + 1 + HH_TAG_CHARS + HH_RANDOM_CHARS)
/* Names already taken are retried under another random part. */
#define HH_CREATE_ATTEMPTS 100

//------------------------------------------------------------//
//--- Errors                                               ---//
//------------------------------------------------------------//

const HChar* hh_errno_text(UWord err)
{
   switch (err) {
   case VKI_ENOENT:  return "no such file or directory";
   case VKI_ENOTDIR: return "a component of the path is not a directory";
   case VKI_EACCES:  return "permission denied";
   case VKI_EPERM:   return "operation not permitted";
   case VKI_EROFS:   return "read-only file system";
   case VKI_ENOSPC:  return "no space left on device";
   case HH_EDQUOT:   return "disk quota exceeded";
   case VKI_EFBIG:   return "file too large (the file size limit, "
                            "ulimit -f, or the file system's)";
   case VKI_EISDIR:  return "is a directory";
   case VKI_EEXIST:  return "file exists";
   case VKI_ELOOP:   return "too many levels of symbolic links";
   case VKI_EIO:     return "input/output error";
   case VKI_EMFILE:  return "too many open files";
   case HH_ENAMETOOLONG: return "file name too long";
   default:          return "system error";
   }
}

//------------------------------------------------------------//
//--- The environment the program started with             ---//
//------------------------------------------------------------//

static HChar** startup_env = NULL;   // "NAME=value" copies
static Int     n_startup_env = 0;

static void copy_startup_environment(void)
{
   tl_assert(startup_env == NULL);
   Int n = 0;
   while (VG_(client_envp) != NULL && VG_(client_envp)[n] != NULL)
      n++;
   startup_env = VG_(malloc)("hh.outfile.env", (n + 1) * sizeof(HChar*));
   for (Int i = 0; i < n; i++)
      startup_env[i] = VG_(strdup)("hh.outfile.env_var",
                                   VG_(client_envp)[i]);
   startup_env[n] = NULL;
   n_startup_env = n;
}

/* name = [name_start, name_start + name_len). */
static const HChar* startup_getenv(const HChar* name_start, SizeT name_len)
{
   for (Int i = 0; i < n_startup_env; i++) {
      const HChar* var = startup_env[i];
      if (VG_(strncmp)(var, name_start, name_len) == 0
          && var[name_len] == '=')
         return var + name_len + 1;
   }
   return NULL;
}

//------------------------------------------------------------//
//--- Expanding names                                      ---//
//------------------------------------------------------------//

/* Why the last name was refused, for messages. */
static HChar why_refused[320];

static void append(HChar** out, SizeT* len, SizeT* cap, const HChar* s,
                   SizeT n)
{
   if (*len + n + 1 > *cap) {
      *cap = 2 * (*len + n + 1);
      *out = VG_(realloc)("hh.outfile.name", *out, *cap);
   }
   VG_(memcpy)(*out + *len, s, n);
   *len += n;
   (*out)[*len] = '\0';
}

HChar* hh_outfile_expand(const HChar* name, const HChar** why)
{
   *why = why_refused;
   if (name[0] == '\0') {
      VG_(snprintf)(why_refused, sizeof why_refused, "the name is empty");
      return NULL;
   }
   if (name[0] == '~') {
      VG_(snprintf)(why_refused, sizeof why_refused,
                    "it begins with '~', which no shell expands here; "
                    "give the whole path (e.g. from $HOME)");
      return NULL;
   }
   tl_assert(startup_env != NULL);   // hh_outfile_startup has run

   HChar* out = NULL;
   SizeT  len = 0, cap = 0;
   if (name[0] != '/') {
      const HChar* base_dir = VG_(get_startup_wd)();
      if (base_dir == NULL) {
         VG_(snprintf)(why_refused, sizeof why_refused,
                       "it is relative, and the directory Valgrind started "
                       "in no longer exists; give an absolute path");
         return NULL;
      }
      append(&out, &len, &cap, base_dir, VG_(strlen)(base_dir));
      append(&out, &len, &cap, "/", 1);
   }
   append(&out, &len, &cap, "", 0);
   for (const HChar* p = name; *p != '\0'; p++) {
      if (*p != '%') {
         append(&out, &len, &cap, p, 1);
         continue;
      }
      p++;
      if (*p == '%') {
         append(&out, &len, &cap, "%", 1);
      } else if (*p == 'p') {
         HChar pid[16];
         VG_(snprintf)(pid, sizeof pid, "%d", VG_(getpid)());
         append(&out, &len, &cap, pid, VG_(strlen)(pid));
      } else if (*p == 'q' && p[1] == '{') {
         const HChar* var = p + 2;
         const HChar* close = VG_(strchr)(var, '}');
         if (close == NULL || close == var) {
            VG_(snprintf)(why_refused, sizeof why_refused,
                          "%%q must be followed by {VARIABLE}");
            VG_(free)(out);
            return NULL;
         }
         SizeT var_len = (SizeT)(close - var);
         const HChar* value = startup_getenv(var, var_len);
         if (value == NULL || value[0] == '\0') {
            /* The core's printf ignores a precision for %s. */
            HChar var_name[128];
            SizeT shown = var_len < sizeof var_name - 1
                             ? var_len : sizeof var_name - 1;
            VG_(memcpy)(var_name, var, shown);
            var_name[shown] = '\0';
            VG_(snprintf)(why_refused, sizeof why_refused,
                          "%%q{%s}: %s is %s in the environment the "
                          "program started with", var_name, var_name,
                          value == NULL ? "not set" : "empty");
            VG_(free)(out);
            return NULL;
         }
         append(&out, &len, &cap, value, VG_(strlen)(value));
         p = close;
      } else {
         VG_(snprintf)(why_refused, sizeof why_refused,
                       "'%%%c' is not one of %%p, %%q{VARIABLE} or %%%%",
                       *p == '\0' ? ' ' : *p);
         VG_(free)(out);
         return NULL;
      }
   }
   if (out[len - 1] == '/') {
      VG_(snprintf)(why_refused, sizeof why_refused,
                    "it ends with '/': give a file name, not a directory");
      VG_(free)(out);
      return NULL;
   }
   return out;
}

//------------------------------------------------------------//
//--- Temporary names                                      ---//
//------------------------------------------------------------//

static const HChar base36[] = "0123456789abcdefghijklmnopqrstuvwxyz";

/* This machine's boot and this pid namespace, hashed (FNV-1a), in
   base 36; empty if either is unknown (no /proc): then no temporary is
   ever proved stale. */
static HChar machine_tag[HH_TAG_CHARS + 1];

static UInt fnv1a(UInt hash, const HChar* s, SizeT n)
{
   for (SizeT i = 0; i < n; i++) {
      hash ^= (UChar)s[i];
      hash *= 16777619u;
   }
   return hash;
}

static void compute_machine_tag(void)
{
   HChar boot_id[64];
   HChar pid_ns[64];
   SysRes res = VG_(open)("/proc/sys/kernel/random/boot_id", VKI_O_RDONLY, 0);
   Int n_boot = -1;
   if (!sr_isError(res)) {
      n_boot = VG_(read)((Int)sr_Res(res), boot_id, sizeof boot_id);
      VG_(close)((Int)sr_Res(res));
   }
   SSizeT n_ns = VG_(readlink)("/proc/self/ns/pid", pid_ns, sizeof pid_ns);
   if (n_boot <= 0 || n_ns <= 0) {
      machine_tag[0] = '\0';
      return;
   }
   UInt hash = fnv1a(2166136261u, boot_id, (SizeT)n_boot);
   hash = fnv1a(hash, pid_ns, (SizeT)n_ns);
   for (Int i = HH_TAG_CHARS - 1; i >= 0; i--) {
      machine_tag[i] = base36[hash % 36];
      hash /= 36;
   }
   machine_tag[HH_TAG_CHARS] = '\0';
}

/* Random characters from the kernel; from the clock if it has none to
   give (a chroot without /dev).  O_EXCL, not this, is what makes the
   creation safe: a guessed name only costs another attempt. */
static void random_chars(HChar* out, Int n)
{
   UChar bytes[HH_RANDOM_CHARS];
   tl_assert(n <= HH_RANDOM_CHARS);
   Int got = 0;
   SysRes res = VG_(open)("/dev/urandom", VKI_O_RDONLY, 0);
   if (!sr_isError(res)) {
      got = VG_(read)((Int)sr_Res(res), bytes, n);
      VG_(close)((Int)sr_Res(res));
   }
   static UInt seed = 0;
   if (seed == 0)
      seed = VG_(read_millisecond_timer)() ^ ((UInt)VG_(getpid)() << 16);
   for (Int i = 0; i < n; i++) {
      UInt r = i < got ? bytes[i] : VG_(random)(&seed);
      out[i] = base36[r % 36];
   }
}

/* The directory part of path (without the final '/') and its length. */
static SizeT dir_len_of(const HChar* path)
{
   const HChar* slash = VG_(strrchr)(path, '/');
   tl_assert(slash != NULL);   // expanded names are absolute
   return (SizeT)(slash - path);
}

/* The longest part of a target's file name kept in a temporary's name,
   so that the temporary fits in NAME_MAX and, when the target's path is
   near PATH_MAX, in that too.  Negative: no temporary fits. */
static Long longest_stem_in(SizeT dir_len)
{
   Long stem = HH_NAME_MAX - HH_TMP_SUFFIX_MAX;
   Long room_in_path = (Long)(VKI_PATH_MAX - 1) - (Long)dir_len - 1
                       - HH_TMP_SUFFIX_MAX;
   return stem < room_in_path ? stem : room_in_path;
}

static Long tmp_stem_len(const HChar* target)
{
   SizeT dir_len  = dir_len_of(target);
   Long  base_len = (Long)(VG_(strlen)(target) - dir_len - 1);
   Long  longest  = longest_stem_in(dir_len);
   return base_len < longest ? base_len : longest;
}

static HChar* tmp_name_for(const HChar* target, Long stem_len)
{
   SizeT  dir_len = dir_len_of(target);
   SizeT  cap = dir_len + 1 + (SizeT)stem_len + HH_TMP_SUFFIX_MAX + 1;
   HChar* tmp = VG_(malloc)("hh.outfile.tmp", cap);
   HChar  random[HH_RANDOM_CHARS + 1];
   random_chars(random, HH_RANDOM_CHARS);
   random[HH_RANDOM_CHARS] = '\0';
   SizeT  kept = dir_len + 1 + (SizeT)stem_len;
   VG_(memcpy)(tmp, target, kept);
   VG_(snprintf)(tmp + kept, (Int)(cap - kept), "%s%d-%s%s", HH_TMP_MARK,
                 VG_(getpid)(), machine_tag[0] != '\0' ? machine_tag
                                                       : "0000000",
                 random);
   return tmp;
}

//------------------------------------------------------------//
//--- Creating and publishing                              ---//
//------------------------------------------------------------//

struct _OutFile {
   Int    fd;
   HChar* target;     // the file replaced: links at the name followed
   HChar* tmp;        // NULL when written in place
};

/* path with the symbolic links at its last component followed, as
   open() would follow them; NULL (with *err) on a loop. */
static HChar* follow_links(const HChar* path, UWord* err)
{
   HChar* current = VG_(strdup)("hh.outfile.target", path);
   for (Int hops = 0; ; hops++) {
      HChar  link[VKI_PATH_MAX];
      SSizeT n = VG_(readlink)(current, link, sizeof link - 1);
      if (n < 0)
         return current;   // not a link (perhaps not there at all)
      if (hops == HH_SYMLINK_HOPS) {
         VG_(free)(current);
         *err = VKI_ELOOP;
         return NULL;
      }
      link[n] = '\0';
      HChar* next;
      if (link[0] == '/') {
         next = VG_(strdup)("hh.outfile.target", link);
      } else {
         SizeT dir_len = dir_len_of(current);
         next = VG_(malloc)("hh.outfile.target", dir_len + 1 + (SizeT)n + 1);
         VG_(memcpy)(next, current, dir_len + 1);
         VG_(strcpy)(next + dir_len + 1, link);
      }
      VG_(free)(current);
      current = next;
   }
}

static void outfile_free(OutFile* of)
{
   VG_(free)(of->target);
   if (of->tmp != NULL)
      VG_(free)(of->tmp);
   VG_(free)(of);
}

/* The profile goes to the target itself, as DHAT writes every profile:
   a device or a FIFO (renaming over one would replace the device, as
   root /dev/null for everybody), and, as a last resort, a regular file
   beside which no temporary can be made.  A probe (start-up) only
   checks that a regular file can be opened for writing, and changes
   nothing: a FIFO would wait for its reader. */
static OutFile* open_in_place(OutFile* of, Bool probe, Bool is_regular,
                              UWord* err)
{
   Int flags = probe ? VKI_O_WRONLY
                     : VKI_O_CREAT | VKI_O_TRUNC | VKI_O_WRONLY;
   if (probe && !is_regular)
      return of;
   SysRes res = VG_(open)(of->target, flags,
                          VKI_S_IRUSR | VKI_S_IWUSR | VKI_S_IRGRP
                          | VKI_S_IROTH);
   if (sr_isError(res)) {
      *err = sr_Err(res);
      outfile_free(of);
      return NULL;
   }
   of->fd = (Int)sr_Res(res);
   return of;
}

static OutFile* create(const HChar* path, Bool probe, UWord* err)
{
   OutFile* of = VG_(malloc)("hh.outfile", sizeof(OutFile));
   of->fd = -1;
   of->tmp = NULL;

   struct vg_stat st;
   SysRes res = VG_(stat)(path, &st);   // through every link
   Bool exists = !sr_isError(res);
   if (!exists && sr_Err(res) == VKI_ELOOP) {
      *err = VKI_ELOOP;
      VG_(free)(of);
      return NULL;
   }
   if (exists && VKI_S_ISDIR(st.mode)) {
      *err = VKI_EISDIR;
      VG_(free)(of);
      return NULL;
   }
   of->target = follow_links(path, err);
   if (of->target == NULL) {
      VG_(free)(of);
      return NULL;
   }
   /* A link whose text is no path (/proc/self/fd/N to a pipe or a
      deleted file): the file is reached through the name given. */
   struct vg_stat target_st;
   if (exists && (sr_isError(VG_(stat)(of->target, &target_st))
                  || target_st.dev != st.dev || target_st.ino != st.ino)) {
      VG_(free)(of->target);
      of->target = VG_(strdup)("hh.outfile.target", path);
   }
   Bool regular = exists && VKI_S_ISREG(st.mode);
   Long stem_len = tmp_stem_len(of->target);
   if ((exists && !regular) || stem_len < 0)
      return open_in_place(of, probe, regular, err);

   for (Int attempt = 0; attempt < HH_CREATE_ATTEMPTS; attempt++) {
      of->tmp = tmp_name_for(of->target, stem_len);
      res = VG_(open)(of->tmp, VKI_O_CREAT | VKI_O_EXCL | HH_O_NOFOLLOW
                               | VKI_O_WRONLY,
                      VKI_S_IRUSR | VKI_S_IWUSR | VKI_S_IRGRP | VKI_S_IROTH);
      if (!sr_isError(res)) {
         of->fd = (Int)sr_Res(res);
         if (probe) {
            VG_(close)(of->fd);
            VG_(unlink)(of->tmp);
            of->fd = -1;
         }
         return of;
      }
      VG_(free)(of->tmp);
      of->tmp = NULL;
      *err = sr_Err(res);
      if (*err != VKI_EEXIST)
         break;
   }
   /* A writable file in a directory we may not write (created there for
      us): written in place, as DHAT would. */
   if (regular && (*err == VKI_EACCES || *err == VKI_EPERM
                   || *err == VKI_EROFS))
      return open_in_place(of, probe, regular, err);
   outfile_free(of);
   return NULL;
}

OutFile* hh_outfile_create(const HChar* path, UWord* err)
{
   return create(path, False, err);
}

Int hh_outfile_fd(const OutFile* of)
{
   return of->fd;
}

Bool hh_outfile_publish(OutFile* of)
{
   VG_(close)(of->fd);
   Bool ok = True;
   if (of->tmp != NULL && VG_(rename)(of->tmp, of->target) != 0) {
      VG_(unlink)(of->tmp);
      ok = False;
   }
   outfile_free(of);
   return ok;
}

void hh_outfile_discard(OutFile* of)
{
   VG_(close)(of->fd);
   if (of->tmp != NULL)
      VG_(unlink)(of->tmp);
   outfile_free(of);
}

//------------------------------------------------------------//
//--- Stale temporaries                                    ---//
//------------------------------------------------------------//

/* Does stem (a file name, or the first characters of one when cut is
   True: see tmp_stem_len) match the file-name part of an
   out-file name, %q{VAR}s already expanded, with %p matching any pid
   and optionally followed by a --dump-every number or ".pre-exec"? */
static Bool stem_matches(const HChar* pattern, const HChar* stem, Bool cut)
{
   while (True) {
      if (*stem == '\0' && cut)
         return True;
      if (*pattern == '\0') {
         if (*stem == '\0' || VG_(strcmp)(stem, ".pre-exec") == 0)
            return True;
         if (stem[0] != '.' || !VG_(isdigit)(stem[1]))
            return False;
         for (stem++; VG_(isdigit)(*stem); stem++)
            ;
         return *stem == '\0';
      }
      if (pattern[0] == '%' && pattern[1] == 'p') {
         if (!VG_(isdigit)(*stem))
            return False;
         for (stem++; ; stem++) {
            if (stem_matches(pattern + 2, stem, cut))
               return True;
            if (!VG_(isdigit)(*stem))
               return False;
         }
      }
      if (pattern[0] == '%' && pattern[1] == '%')
         pattern++;
      if (*pattern != *stem)
         return False;
      pattern++;
      stem++;
   }
}

/* The out-file name with %q{VAR}s expanded and %% kept, %p left as is. */
static HChar* expand_q_only(const HChar* name)
{
   HChar* out = NULL;
   SizeT  len = 0, cap = 0;
   append(&out, &len, &cap, "", 0);
   for (const HChar* p = name; *p != '\0'; p++) {
      if (p[0] == '%' && p[1] == 'q' && p[2] == '{') {
         const HChar* close = VG_(strchr)(p + 3, '}');
         tl_assert(close != NULL);   // checked by hh_outfile_expand
         const HChar* value = startup_getenv(p + 3, (SizeT)(close - p - 3));
         tl_assert(value != NULL);
         for (; *value != '\0'; value++)
            append(&out, &len, &cap, *value == '%' ? "%%" : value,
                   *value == '%' ? 2 : 1);
         p = close;
      } else if (p[0] == '%' && p[1] != '\0') {
         append(&out, &len, &cap, p, 2);
         p++;
      } else {
         append(&out, &len, &cap, p, 1);
      }
   }
   return out;
}

/* Parses "<stem>.tmp-<pid>-<tag><random>": the stem's length and pid,
   or False. */
static Bool parse_tmp_name(const HChar* name, SizeT* stem_len, Int* pid)
{
   SizeT len = VG_(strlen)(name);
   if (len < HH_TAG_CHARS + HH_RANDOM_CHARS + 1)
      return False;
   const HChar* dash = name + len - (HH_TAG_CHARS + HH_RANDOM_CHARS) - 1;
   if (*dash != '-'
       || VG_(strncmp)(dash + 1, machine_tag, HH_TAG_CHARS) != 0)
      return False;
   const HChar* digits = dash;
   while (digits > name && VG_(isdigit)(digits[-1]))
      digits--;
   SizeT mark_len = VG_(strlen)(HH_TMP_MARK);
   if (digits == dash || (SizeT)(digits - name) < mark_len
       || VG_(strncmp)(digits - mark_len, HH_TMP_MARK, mark_len) != 0)
      return False;
   *stem_len = (SizeT)(digits - mark_len - name);
   *pid = (Int)VG_(strtoll10)(digits, NULL);
   return True;
}

/* Is /proc this pid namespace's, so that a pid missing there is a
   process that does not exist? */
static Bool proc_shows_our_pids(void)
{
   HChar self[32];
   SSizeT n = VG_(readlink)("/proc/self", self, sizeof self - 1);
   if (n <= 0)
      return False;
   self[n] = '\0';
   return VG_(strtoll10)(self, NULL) == VG_(getpid)();
}

static Bool process_exists(Int pid)
{
   HChar path[32];
   struct vg_stat st;
   VG_(snprintf)(path, sizeof path, "/proc/%d", pid);
   return !sr_isError(VG_(stat)(path, &st));
}

static void maybe_remove_stale(const HChar* dir, const HChar* name,
                               const HChar* pattern)
{
   SizeT stem_len;
   Int   pid;
   if (!parse_tmp_name(name, &stem_len, &pid) || pid == VG_(getpid)())
      return;
   HChar* stem = VG_(strdup)("hh.outfile.stem", name);
   stem[stem_len] = '\0';
   Bool ours = stem_matches(pattern, stem,
                            (Long)stem_len
                            == longest_stem_in(VG_(strlen)(dir)));
   VG_(free)(stem);
   if (!ours || process_exists(pid))
      return;
   HChar* path = VG_(malloc)("hh.outfile.stale", VG_(strlen)(dir) + 1
                                                 + VG_(strlen)(name) + 1);
   VG_(sprintf)(path, "%s/%s", dir, name);
   HChar link[2];
   struct vg_stat st;
   if (VG_(readlink)(path, link, sizeof link) < 0
       && !sr_isError(VG_(stat)(path, &st)) && VKI_S_ISREG(st.mode)
       && st.uid == (UInt)VG_(geteuid)() && VG_(unlink)(path) == 0
       && VG_(clo_verbosity) > 0)
      VG_(umsg)("heaphunt: removed %s, a partial profile left by process "
                "%d, which ended while writing it\n", path, pid);
   VG_(free)(path);
}

static void remove_stale_temporaries(const HChar* out_file,
                                     const HChar* expanded)
{
   if (machine_tag[0] == '\0' || !proc_shows_our_pids())
      return;
   HChar* with_q = expand_q_only(out_file);
   const HChar* slash = VG_(strrchr)(with_q, '/');
   const HChar* pattern = slash != NULL ? slash + 1 : with_q;
   SizeT  dir_len = dir_len_of(expanded);
   HChar* dir = VG_(strdup)("hh.outfile.dir", expanded);
   dir[dir_len == 0 ? 1 : dir_len] = '\0';   // "/" stays "/"

   SysRes res = VG_(open)(dir, VKI_O_RDONLY, 0);
   if (!sr_isError(res)) {
      Int   fd = (Int)sr_Res(res);
      UChar buf[4096];
      Int   n;
      while ((n = VG_(getdents64)(fd, (struct vki_dirent64*)buf,
                                  sizeof buf)) > 0) {
         for (Int off = 0; off < n; ) {
            struct vki_dirent64* d = (struct vki_dirent64*)(buf + off);
            if (VG_(strstr)(d->d_name, HH_TMP_MARK) != NULL)
               maybe_remove_stale(dir, d->d_name, pattern);
            off += d->d_reclen;
         }
      }
      VG_(close)(fd);
   }
   VG_(free)(dir);
   VG_(free)(with_q);
}

//------------------------------------------------------------//
//--- Start-up                                             ---//
//------------------------------------------------------------//

void hh_outfile_startup(const HChar* option, const HChar* out_file)
{
   copy_startup_environment();
   compute_machine_tag();

   HChar option_arg[VKI_PATH_MAX + 64];
   VG_(snprintf)(option_arg, sizeof option_arg, "%s=%s", option, out_file);
   const HChar* why = NULL;
   HChar* path = hh_outfile_expand(out_file, &why);
   /* After option parsing VG_(fmsg_bad_option) only prints. */
   if (path == NULL) {
      VG_(fmsg_bad_option)(option_arg, "bad profile file name: %s.\n", why);
      VG_(exit)(1);
   }

   remove_stale_temporaries(out_file, path);

   /* Create (and remove) a temporary where the profile will go, so that
      a path that cannot be written stops the run before it starts. */
   UWord    err = 0;
   OutFile* probe = create(path, True, &err);
   if (probe == NULL) {
      VG_(fmsg_bad_option)(option_arg,
                           "cannot create the profile '%s': %s; choose a "
                           "writable location.\n", path, hh_errno_text(err));
      VG_(exit)(1);
   }
   if (probe->fd >= 0)
      VG_(close)(probe->fd);
   outfile_free(probe);
   VG_(free)(path);
}
