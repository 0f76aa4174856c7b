# event_tree.rb: the Ruby variant of event_bus.py, with and without a leak.
#
#     ruby event_tree.rb            each event is detached once handled
#     ruby event_tree.rb --leak     handled events stay in the parent's list
#
# A request tree: each incoming event becomes a child of a long-lived parent
# node, is handled, and (in the clean run) is removed from the parent.  In
# the leaky run nothing removes it, so every event and its 1,000-byte
# payload stay reachable from the parent until exit.
#
# Ruby keeps objects in its own heap pages; what heaphunt sees as separate
# blocks are the parts Ruby mallocs outside them, such as a String's
# contents longer than fits in the object slot: each payload is one block
# of 1,001 bytes (the text and a NUL), allocated through ruby_xmalloc.
# 200 events: 200 x 1,001 = 200,200 bytes at least, the leak's minimum.
#
# GC.start before the exit frees the clean run's detached events (without
# it they would be garbage not yet collected, live in both runs), and exit!
# skips Ruby's exit-time cleanup, so t-end shows what the program held.

EVENTS = 200
PAYLOAD_BYTES = 1000

class Node
  attr_reader :children

  def initialize(name)
    @name = name
    @children = []
  end

  def attach(child)
    @children << child
  end

  def detach(child)
    @children.delete(child)
  end
end

Event = Struct.new(:number, :payload)

def main(leak)
  parent = Node.new("requests")
  handled = 0
  EVENTS.times do |number|
    event = Event.new(number, "x" * PAYLOAD_BYTES)
    parent.attach(event)
    handled += 1 if event.payload.bytesize == PAYLOAD_BYTES
    parent.detach(event) unless leak
  end
  puts "handled #{handled} events; #{parent.children.size} children left"
  parent
end

$parent = main(ARGV.include?("--leak"))
GC.start
$stdout.flush
exit!(0)
