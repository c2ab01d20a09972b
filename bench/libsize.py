"""Sizes inside a compiled model library (an ELF64 shared object), read from
its section headers: no binutils needed. Used by bench/mixed_precision.py
and test/Models/mixed-precision.test."""
import struct


def section_size(path, name=".rodata"):
    """The size of section `name` (.rodata: the model's constants, its
    weights, biases and requantization multipliers); 0 if absent."""
    with open(path, "rb") as f:
        elf = f.read()
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x3A)

    def header(i):
        return struct.unpack_from("<IIQQQQ", elf, shoff + i * shentsize)
    stroff = header(shstrndx)[4]
    for i in range(shnum):
        sh_name, _, _, _, _, size = header(i)
        end = elf.index(b"\0", stroff + sh_name)
        if elf[stroff + sh_name:end] == name.encode():
            return size
    return 0
