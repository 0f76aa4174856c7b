# notifications.rb: nested ActiveSupport::Notifications events whose
# children pile up in their open parent, and the flat twin that keeps
# nothing.
#
#     ruby notifications.rb            one "batch" event holds 20,000 "step"
#                                      events until it finishes, at the end
#     ruby notifications.rb --flat     20,000 "step" events, none nested
#
# TreeCollector is a tracer of the kind applications write: it builds
# each event's tree, attaching a finished event to the event still open
# around it (`parent << event`).  ActiveSupport's Event#<< appends to the
# parent's @children array, which grows as the children arrive and is
# freed only when the batch, the root, is dropped.  In the flat run every
# event is a root, dropped as soon as it finishes: nothing piles up.
#
# Needs Debian's ruby-activesupport (6.1).

require "active_support"
require "active_support/notifications"

STEPS = 20_000

class TreeCollector
  attr_reader :roots

  def initialize
    @open = []
    @roots = 0
  end

  def start(name, id, payload)
    event = ActiveSupport::Notifications::Event.new(name, nil, nil, id, payload)
    event.start!
    @open.push(event)
  end

  def finish(name, id, payload)
    event = @open.pop
    event.finish!
    parent = @open.last
    if parent
      parent << event                 # the parent keeps its children: KEEP_LINE
    else
      @roots += 1                     # a root: dropped here
    end
  end
end

def step(i)
  ActiveSupport::Notifications.instrument("step", index: i) { i * 2 }
end

def run(nested)
  if nested
    ActiveSupport::Notifications.instrument("batch", size: STEPS) do
      STEPS.times { |i| step(i) }
    end
  else
    STEPS.times { |i| step(i) }
  end
end

collector = TreeCollector.new
ActiveSupport::Notifications.subscribe(/step|batch/, collector)
run(!ARGV.include?("--flat"))
puts "#{collector.roots} root events"
