# flat_events.rb: nested_events.rb's twin, with no open parent.  The same
# 50,000 "query.app" events are instrumented one after the other, after a
# "request.app" event that has already finished, so no event is open when
# another starts: AppSubscriber appends no event to another's children,
# each Event (and its payload's SQL text) is garbage once its #finish has
# run, and Ruby's garbage collector frees them as the run goes.  Nothing grows with the number of
# events: heaphunt report has no pile-up finding (nested_events.rb's first finding
# is one).
#
#     ruby flat_events.rb

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
  sql = "SELECT * FROM orders WHERE id = #{n}"
  ActiveSupport::Notifications.instrument("query.app", sql: sql) { n * 2 }
end

def handle_request
  ActiveSupport::Notifications.instrument("request.app") {}
  QUERIES.times { |n| run_query(n) }
end

handle_request
GC.start
exit!(0)
