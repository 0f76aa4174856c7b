/*--------------------------------------------------------------------*/
/*--- heaphunt: symbols of a loaded object, from its file  hh_elf.c ---*/
/*--------------------------------------------------------------------*/

/* The interpreters' readers (hh_interp_python.c, hh_interp_ruby.c)
   need the addresses of a few data symbols of the object that runs the
   interpreter (_PyRuntime, ruby_current_vm_ptr, ...), and for a
   thread-local one (ruby_current_ec) the GOT slot where the dynamic
   linker put its TLS module number.  Valgrind's tool interface maps an
   address to a name but not a name to an address, so this file reads
   the object's ELF file itself: the dynamic symbol table (and the full
   one if the file has it) and the dynamic relocations.  It runs once
   per recognised interpreter, never on the allocation path.

   Only what is needed is understood: 64-bit little-endian ELF, section
   headers, SHT_DYNSYM/SHT_SYMTAB with their string tables, SHT_RELA
   entries of type R_X86_64_DTPMOD64.  Anything else, or a file that
   does not parse, is a lookup failure with a reason; never an assert,
   since the file is the client's. */

#include "pub_tool_basics.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcfile.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_vki.h"

#include "hh_interp.h"

/* The ELF structures used, as the ELF-64 specification defines them. */
typedef struct {
   UChar  e_ident[16];
   UShort e_type, e_machine;
   UInt   e_version;
   ULong  e_entry, e_phoff, e_shoff;
   UInt   e_flags;
   UShort e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
} Elf64Header;

typedef struct {
   UInt  sh_name, sh_type;
   ULong sh_flags, sh_addr, sh_offset, sh_size;
   UInt  sh_link, sh_info;
   ULong sh_addralign, sh_entsize;
} Elf64Section;

typedef struct {
   UInt   st_name;
   UChar  st_info, st_other;
   UShort st_shndx;
   ULong  st_value, st_size;
} Elf64Symbol;

typedef struct {
   ULong r_offset, r_info;
   Long  r_addend;
} Elf64Rela;

#define ELF_SHT_SYMTAB 2
#define ELF_SHT_RELA   4
#define ELF_SHT_DYNSYM 11
#define ELF_EM_X86_64  62
#define ELF_R_X86_64_DTPMOD64 16

/* Sections larger than this are not read (a symbol table of libpython
   or libruby is well under 1 MiB). */
/* lseek(2)'s SEEK_SET (the Linux vki headers do not name it). */
#define SEEK_FROM_START 0

#define MAX_SECTION_BYTES (64 * 1024 * 1024)

static Bool read_at(Int fd, ULong offset, void* buf, SizeT len)
{
   if (VG_(lseek)(fd, (Off64T)offset, SEEK_FROM_START) != (Off64T)offset)
      return False;
   SizeT done = 0;
   while (done < len) {
      Int chunk = len - done > (1 << 30) ? (1 << 30) : (Int)(len - done);
      Int got = VG_(read)(fd, (UChar*)buf + done, chunk);
      if (got <= 0)
         return False;
      done += (SizeT)got;
   }
   return True;
}

/* The section's contents, VG_(malloc)ed, or NULL. */
static void* read_section(Int fd, const Elf64Section* sec)
{
   if (sec->sh_size == 0 || sec->sh_size > MAX_SECTION_BYTES)
      return NULL;
   void* buf = VG_(malloc)("hh.elf.section", sec->sh_size + 1);
   if (!read_at(fd, sec->sh_offset, buf, sec->sh_size)) {
      VG_(free)(buf);
      return NULL;
   }
   ((HChar*)buf)[sec->sh_size] = 0;   // a string table ends, whatever the file says
   return buf;
}

/* Fills in the wanted symbols found in one symbol table; for each
   thread-local one, remembers its index so that its relocation can be
   found.  sym_index[i] is the index in this table, or 0. */
static void scan_symbols(Int fd, const Elf64Section* sections, UInt n_sections,
                         UInt symtab, HhElfSym* wanted, UInt n_wanted,
                         ULong* sym_index)
{
   const Elf64Section* sec = &sections[symtab];
   if (sec->sh_entsize != sizeof(Elf64Symbol) || sec->sh_link >= n_sections)
      return;
   Elf64Symbol* syms = read_section(fd, sec);
   HChar* strs = read_section(fd, &sections[sec->sh_link]);
   if (syms != NULL && strs != NULL) {
      ULong n_syms = sec->sh_size / sizeof(Elf64Symbol);
      ULong strs_len = sections[sec->sh_link].sh_size;
      for (ULong i = 1; i < n_syms; i++) {
         if (syms[i].st_name >= strs_len || syms[i].st_shndx == 0)
            continue;   // no name, or undefined here
         const HChar* name = strs + syms[i].st_name;
         for (UInt w = 0; w < n_wanted; w++) {
            if (wanted[w].found || VG_(strcmp)(name, wanted[w].name) != 0)
               continue;
            wanted[w].found = True;
            wanted[w].value = syms[i].st_value;
            wanted[w].size  = syms[i].st_size;
            wanted[w].is_tls = (syms[i].st_info & 0xf) == 6;   // STT_TLS
            sym_index[w] = i;
         }
      }
   }
   if (syms != NULL)
      VG_(free)(syms);
   if (strs != NULL)
      VG_(free)(strs);
}

/* For each thread-local symbol found in the dynamic symbol table
   (dynsym), the link-time address of its DTPMOD64 relocation: the GOT
   slot that holds its module number once the program runs. */
static void scan_tls_relocations(Int fd, const Elf64Section* sections,
                                 UInt n_sections, UInt dynsym,
                                 HhElfSym* wanted, UInt n_wanted,
                                 const ULong* sym_index)
{
   for (UInt s = 0; s < n_sections; s++) {
      const Elf64Section* sec = &sections[s];
      if (sec->sh_type != ELF_SHT_RELA || sec->sh_link != dynsym
          || sec->sh_entsize != sizeof(Elf64Rela))
         continue;
      Elf64Rela* relas = read_section(fd, sec);
      if (relas == NULL)
         continue;
      ULong n = sec->sh_size / sizeof(Elf64Rela);
      for (ULong r = 0; r < n; r++) {
         if ((relas[r].r_info & 0xffffffffULL) != ELF_R_X86_64_DTPMOD64)
            continue;
         ULong index = relas[r].r_info >> 32;
         for (UInt w = 0; w < n_wanted; w++) {
            if (wanted[w].is_tls && sym_index[w] == index)
               wanted[w].dtpmod_slot = relas[r].r_offset;
         }
      }
      VG_(free)(relas);
   }
}

Bool hh_elf_lookup(const HChar* path, HhElfSym* wanted, UInt n_wanted,
                   const HChar** why)
{
   for (UInt w = 0; w < n_wanted; w++) {
      wanted[w].found = False;
      wanted[w].is_tls = False;
      wanted[w].value = wanted[w].size = wanted[w].dtpmod_slot = 0;
   }
   SysRes res = VG_(open)(path, VKI_O_RDONLY, 0);
   if (sr_isError(res)) {
      *why = "cannot open the object's file";
      return False;
   }
   Int fd = (Int)sr_Res(res);

   Bool ok = False;
   Elf64Header eh;
   Elf64Section* sections = NULL;
   ULong* dyn_index = VG_(calloc)("hh.elf.index", n_wanted + 1, sizeof(ULong));
   ULong* full_index = VG_(calloc)("hh.elf.index", n_wanted + 1, sizeof(ULong));
   *why = "not a 64-bit x86-64 ELF file";
   if (!read_at(fd, 0, &eh, sizeof eh)
       || VG_(memcmp)(eh.e_ident, "\177ELF", 4) != 0
       || eh.e_ident[4] != 2 /* ELFCLASS64 */ || eh.e_ident[5] != 1 /* LSB */
       || eh.e_machine != ELF_EM_X86_64
       || eh.e_shentsize != sizeof(Elf64Section) || eh.e_shnum == 0)
      goto out;
   sections = VG_(malloc)("hh.elf.sections", eh.e_shnum * sizeof(Elf64Section));
   if (!read_at(fd, eh.e_shoff, sections, eh.e_shnum * sizeof(Elf64Section))) {
      *why = "cannot read the section headers";
      goto out;
   }

   UInt dynsym = 0;
   for (UInt s = 0; s < eh.e_shnum; s++) {
      if (sections[s].sh_type == ELF_SHT_DYNSYM) {
         dynsym = s;
         scan_symbols(fd, sections, eh.e_shnum, s, wanted, n_wanted, dyn_index);
      }
   }
   if (dynsym != 0)
      scan_tls_relocations(fd, sections, eh.e_shnum, dynsym, wanted,
                           n_wanted, dyn_index);
   /* Symbols hidden from the dynamic table are in the full one, when the
      file was not stripped. */
   for (UInt s = 0; s < eh.e_shnum; s++) {
      if (sections[s].sh_type == ELF_SHT_SYMTAB)
         scan_symbols(fd, sections, eh.e_shnum, s, wanted, n_wanted, full_index);
   }
   ok = True;

 out:
   if (sections != NULL)
      VG_(free)(sections);
   VG_(free)(dyn_index);
   VG_(free)(full_index);
   VG_(close)(fd);
   return ok;
}
