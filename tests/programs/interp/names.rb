# names.rb: how heaphunt names Ruby frames (tests/test_interp.py).
#
# Ruby 3.1's backtraces name a method frame by the method alone
# ("shout"); heaphunt qualifies it by the class or module that owns the
# method, as Ruby 3.4's backtraces do: "Greeting.shout" for a singleton
# method, "Greeting#wave" for a module's instance method, "block in
# Host#call" for a block in a method.  A method of an anonymous class,
# and one made with define_method (its block's label names the method it
# was written in), keep Ruby 3.1's label.
#
# Each marked line builds one string of a size no other line builds:
# "x" * n is one malloc of n + 1 bytes (the characters and a NUL).
#
# The last part makes 60 named classes that die (their constant removed,
# then a collection), so that a new class can land on a dead one's
# address: each Kn#build builds one string of 2,001 + n bytes, and each
# must be named by its own class.

module Greeting
  def self.shout(n)
    "!" * n                                     # 31 bytes: SINGLETON_LINE
  end

  def wave(n)
    "~" * n                                     # 41 bytes: MODULE_LINE
  end
end

class Host
  include Greeting

  def call(n)
    [n].map { |k| "h" * k }.first               # 51 bytes: BLOCK_LINE
  end
end

anonymous = Class.new do
  def make(n)
    "a" * n                                     # 61 bytes: ANON_LINE
  end
end

def with_define_method
  Class.new do
    define_method(:build) { |n| "d" * n }       # 71 bytes: BMETHOD_LINE
  end
end

$kept = [Greeting.shout(30), Host.new.wave(40), Host.new.call(50),
         anonymous.new.make(60), with_define_method.new.build(70)]

60.times do |i|
  klass = Class.new { def build(n) = "c" * n }  # 2,001 + i bytes: DYING_LINE
  Object.const_set("K#{i}", klass)
  $kept << klass.new.build(2000 + i)
  Object.send(:remove_const, "K#{i}")
  klass = nil
  GC.start if i % 6 == 5
end
$stdout.flush
exit!(0)
