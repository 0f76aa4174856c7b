# nested_events.rb: ActiveSupport::Notifications events nested in a request
# that stays open, so that every inner event piles up as a child of the
# outer one until the request ends.  Its twin flat_events.rb instruments the
# same events with no open parent, and nothing piles up.
#
#     ruby nested_events.rb       (Debian's ruby and ruby-activesupport)
#
# How it piles up (ActiveSupport 6.1, Debian's ruby-activesupport):
# AppSubscriber is an ActiveSupport::Subscriber.  For every event its #start
# makes an ActiveSupport::Notifications::Event, with a copy of the event's
# payload, and, when another event is open (the subscriber's event stack),
# appends it to that event's `children` array; #finish pops it.
# handle_request instruments "request.app" around QUERIES = 50,000
# "query.app" events, so all 50,000 Events are appended to the request's
# children while it is open, and stay reachable from it, with their
# payloads, until the request finishes at the end of the run:
#
# - per event, its SQL text: run_query builds a string of 33 to 37
#   characters ("SELECT * FROM orders WHERE id = " and the id), too long to
#   live inside a Ruby object (23 bytes), so Ruby mallocs a buffer for it
#   when the string is made: 50,000 blocks of at least 34 bytes, kept by
#   the events' payloads, piling up while the queries run;
# - the request's children array: one block that Ruby's rb_ary_push
#   reallocates as it grows to at least 50,000 x 8 = 400,000 bytes (one
#   VALUE per child).
#
# (Ruby also keeps each Event's instance variables and payload table, but
# allocates those in its own transient heap first and moves them to malloc
# only when its garbage collector runs: their malloc'd bytes grow in a few
# jumps, at moments the program does not choose.)
#
# When the request finishes nothing points at it any more: GC.start frees
# the request, its children array and every child, at the end of the run.
# exit! skips Ruby's own clean-up, so the end of the run shows what the
# program held.  The queries are most of the run (loading ActiveSupport is
# less than a quarter of it), so both pile-ups rise through more than half
# of the run and are freed at its end.  With Ruby's frames in the stacks
# (heaphunt's default), heaphunt report's first finding is the pile-up of
# the 50,000 SQL texts, named by the line that builds them (SQL_TEXT
# below).  The children array's block piles up at the line that
# instruments the query (INSTRUMENT): the push onto the parent's children
# is ActiveSupport's (Event#<<, under Subscriber#start), library code, so
# the script's own line that called into it is the place to look.  That
# line's place also holds the events' instance variables and payload
# tables that Ruby's garbage collector moved out of its transient heap
# while the line ran, thousands at each collection: a place that grows in
# a few jumps levels off rather than piling up, so the children array is
# no pile-up finding of its own.  (The pages that Ruby's object heap adds
# while these lines run are its garbage collector's, places of their own.)

require "active_support"
require "active_support/notifications"
require "active_support/subscriber"

class AppSubscriber < ActiveSupport::Subscriber
  def request(event)
    @requests = (@requests || 0) + 1
  end

  def query(event)
    @queries = (@queries || 0) + 1
  end
end
AppSubscriber.attach_to :app

QUERIES = 50_000

def run_query(n)
  sql = "SELECT * FROM orders WHERE id = #{n}"                               # SQL_TEXT
  ActiveSupport::Notifications.instrument("query.app", sql: sql) { n * 2 }   # INSTRUMENT
end

def handle_request
  ActiveSupport::Notifications.instrument("request.app") do
    QUERIES.times { |n| run_query(n) }
  end
end

handle_request
GC.start
exit!(0)
